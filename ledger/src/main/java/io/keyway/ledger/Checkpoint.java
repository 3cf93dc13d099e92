package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** A signed chain head: {@code GET /api/ledger/checkpoint}. */
public record Checkpoint(UUID tenantId, long seq, byte[] hash, Instant signedAt, String keyId, byte[] signature) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("tenantId", tenantId.toString())
        .put("seq", seq)
        .put("hash", HexFormat.of().formatHex(hash))
        .put("signedAt", signedAt.toString())
        .put("keyId", keyId)
        .put("signature", Base64.getEncoder().encodeToString(signature));
  }
}

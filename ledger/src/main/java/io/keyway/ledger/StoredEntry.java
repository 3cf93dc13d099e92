package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * An entry as it is hashed and stored. Its canonical text is the record: everything a reader is
 * shown comes from it, so the hashed bytes are exactly what people see.
 */
public record StoredEntry(
    UUID tenantId, long seq, UUID id, String kind, String actor, String subject, UUID userId, UUID accountId,
    String idempotencyKey, String requestHash, Instant createdAt, JsonObject payload, byte[] prevHash, byte[] hash,
    byte[] canonicalUtf8) {

  /**
   * Builds the canonical text and the hash for an entry following {@code prevHash}. The request hash
   * (idempotency bookkeeping) is kept beside the entry, not in it.
   */
  public static StoredEntry seal(UUID tenantId, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, String requestHash, Instant createdAt, JsonObject payload,
      byte[] prevHash) {
    CanonicalParts parts = CanonicalParts.of(tenantId.toString(), kind, actor, subject, userId, accountId, idempotencyKey);
    return seal(tenantId, seq, id, kind, actor, subject, userId, accountId, idempotencyKey, requestHash, createdAt,
        CanonicalParts.ascii(createdAt.toString()), parts, CanonicalParts.payload(payload), payload, prevHash);
  }

  /**
   * As {@link #seal}, from the parts of the canonical text spelled before (off the ledger's loop), the
   * time spelled once a batch, and the payload's canonical UTF-8.
   */
  static StoredEntry seal(UUID tenantId, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, String requestHash, Instant createdAt, byte[] createdAtAscii,
      CanonicalParts parts, byte[] payloadUtf8, JsonObject payload, byte[] prevHash) {
    byte[] canonical = parts.assemble(createdAtAscii, id, payloadUtf8, seq);
    return new StoredEntry(tenantId, seq, id, kind, actor, subject, userId, accountId, idempotencyKey, requestHash,
        createdAt, payload, prevHash, HashChain.link(prevHash, canonical), canonical);
  }

  /** The documented canonical form of an entry (see {@link CanonicalJson}). */
  public static String canonical(UUID tenantId, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, Instant createdAt, JsonObject payload) {
    CanonicalParts parts = CanonicalParts.of(tenantId.toString(), kind, actor, subject, userId, accountId, idempotencyKey);
    return new String(parts.assemble(CanonicalParts.ascii(createdAt.toString()), id, CanonicalParts.payload(payload),
        seq), StandardCharsets.UTF_8);
  }

  /** The canonical text, the record: exactly the bytes hashed, {@link #canonicalUtf8}, as a string. */
  public String canonical() {
    return new String(canonicalUtf8, StandardCharsets.UTF_8);
  }

  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  /**
   * The reader's view, {@code GET /api/ledger/entries}: every field of the canonical text plus the
   * previous hash, so anyone can rebuild the canonical form and check {@code hash} themselves.
   */
  public static JsonObject view(String canonical, byte[] prevHash, byte[] hash) {
    JsonObject c = new JsonObject(canonical);
    return new JsonObject()
        .put("id", c.getString("id"))
        .put("seq", c.getLong("seq"))
        .put("kind", c.getString("kind"))
        .put("actor", c.getString("actor"))
        .put("subject", c.getString("subject"))
        .put("payload", c.getJsonObject("payload"))
        .put("createdAt", c.getString("createdAt"))
        .put("tenantId", c.getString("tenantId"))
        .put("userId", c.getString("userId"))
        .put("accountId", c.getString("accountId"))
        .put("idempotencyKey", c.getString("idempotencyKey"))
        .put("prevHash", HexFormat.of().formatHex(prevHash))
        .put("hash", HexFormat.of().formatHex(hash));
  }

}

package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A recorded entry as its writer answers it. {@code replayed} is true when an idempotent retry was
 * answered with the entry an earlier request created.
 */
public record AppendResult(UUID entryId, long seq, String hash, String createdAt, JsonObject payload, boolean replayed) {
  public JsonObject toJson() {
    return new JsonObject().put("entryId", entryId.toString()).put("seq", seq).put("hash", hash)
        .put("createdAt", createdAt).put("payload", payload).put("replayed", replayed);
  }

  public static AppendResult fromJson(JsonObject j) {
    return new AppendResult(UUID.fromString(j.getString("entryId")), j.getLong("seq"), j.getString("hash"),
        j.getString("createdAt"), j.getJsonObject("payload"), j.getBoolean("replayed", false));
  }
}

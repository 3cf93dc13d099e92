package io.keyway.ledger;

import io.vertx.core.json.JsonObject;

/** The answer of {@code GET /api/ledger/verify}. */
public record VerifyReport(boolean ok, long entries, long headSeq, String headHash, Long firstBadSeq, String problem,
    JsonObject checkpoint, long elapsedMs) {
  public JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("ok", ok)
        .put("entries", entries)
        .put("headSeq", headSeq)
        .put("headHash", headHash)
        .put("elapsedMs", elapsedMs)
        .put("checkpoint", checkpoint);
    if (firstBadSeq != null) {
      j.put("firstBadSeq", firstBadSeq).put("problem", problem);
    }
    return j;
  }
}

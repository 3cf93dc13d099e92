package io.keyway.ledger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What a caller asks the ledger to record. {@code userId} and {@code accountId} say whom the entry
 * concerns (they drive who may read it); {@code postings} move money and must balance; an {@code
 * idempotencyKey} makes a retry with the same {@code requestHash} (hex, compared case-insensitively)
 * answer the original entry.
 */
public record AppendRequest(
    UUID tenantId,
    String kind,
    String actor,
    String subject,
    UUID userId,
    UUID accountId,
    JsonObject payload,
    List<Posting> postings,
    String idempotencyKey,
    String requestHash) {

  public AppendRequest {
    postings = postings == null ? List.of() : List.copyOf(postings);
    payload = payload == null ? new JsonObject() : payload;
    // stored as bytes and read back as lower-case hex: compare retries in that one spelling
    requestHash = requestHash == null ? null : requestHash.toLowerCase(Locale.ROOT);
  }

  /** An entry that moves no money and has no idempotency key (audit records). */
  public static AppendRequest record(UUID tenantId, String kind, String actor, String subject, UUID userId,
      JsonObject payload) {
    return new AppendRequest(tenantId, kind, actor, subject, userId, null, payload, List.of(), null, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("tenantId", tenantId.toString())
        .put("kind", kind)
        .put("actor", actor)
        .put("subject", subject)
        .put("userId", userId == null ? null : userId.toString())
        .put("accountId", accountId == null ? null : accountId.toString())
        .put("payload", payload)
        .put("postings", new JsonArray(postings.stream().map(Posting::toJson).toList()))
        .put("idempotencyKey", idempotencyKey)
        .put("requestHash", requestHash);
  }

  public static AppendRequest fromJson(JsonObject j) {
    JsonArray ps = j.getJsonArray("postings", new JsonArray());
    return new AppendRequest(
        UUID.fromString(j.getString("tenantId")),
        j.getString("kind"),
        j.getString("actor"),
        j.getString("subject"),
        uuid(j.getString("userId")),
        uuid(j.getString("accountId")),
        j.getJsonObject("payload"),
        ps.stream().map(o -> Posting.fromJson((JsonObject) o)).toList(),
        j.getString("idempotencyKey"),
        j.getString("requestHash"));
  }

  private static UUID uuid(String s) {
    return s == null ? null : UUID.fromString(s);
  }
}

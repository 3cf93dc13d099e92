package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
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
    String canonical) {

  /**
   * Builds the canonical text and the hash for an entry following {@code prevHash}. The request hash
   * (idempotency bookkeeping) is kept beside the entry, not in it.
   */
  public static StoredEntry seal(UUID tenantId, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, String requestHash, Instant createdAt, JsonObject payload,
      byte[] prevHash) {
    return seal(tenantId, tenantId.toString(), seq, id, kind, actor, subject, userId, accountId, idempotencyKey,
        requestHash, createdAt, createdAt.toString(), payload, prevHash);
  }

  /** As {@link #seal}, with the tenant id and the time already spelled (once per batch, not per entry). */
  static StoredEntry seal(UUID tenantId, String tenantText, long seq, UUID id, String kind, String actor,
      String subject, UUID userId, UUID accountId, String idempotencyKey, String requestHash, Instant createdAt,
      String createdAtText, JsonObject payload, byte[] prevHash) {
    String canonical = canonical(tenantText, seq, id, kind, actor, subject, userId, accountId, idempotencyKey,
        createdAtText, payload);
    return new StoredEntry(tenantId, seq, id, kind, actor, subject, userId, accountId, idempotencyKey, requestHash,
        createdAt, payload, prevHash, HashChain.link(prevHash, canonical), canonical);
  }

  /** The documented canonical form of an entry (see {@link CanonicalJson}). */
  public static String canonical(UUID tenantId, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, Instant createdAt, JsonObject payload) {
    return canonical(tenantId.toString(), seq, id, kind, actor, subject, userId, accountId, idempotencyKey,
        createdAt.toString(), payload);
  }

  /**
   * {@code CanonicalJson.encode} of the entry's object, written straight out: its keys are fixed, so
   * they go in their sorted order without building and sorting a map for every entry.
   */
  private static String canonical(String tenantText, long seq, UUID id, String kind, String actor, String subject,
      UUID userId, UUID accountId, String idempotencyKey, String createdAtText, JsonObject payload) {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"accountId\":");
    CanonicalJson.write(out, accountId == null ? null : accountId.toString());
    out.append(",\"actor\":");
    CanonicalJson.write(out, actor);
    out.append(",\"createdAt\":");
    CanonicalJson.string(out, createdAtText);
    out.append(",\"id\":");
    CanonicalJson.string(out, id.toString());
    out.append(",\"idempotencyKey\":");
    CanonicalJson.write(out, idempotencyKey);
    out.append(",\"kind\":");
    CanonicalJson.write(out, kind);
    out.append(",\"payload\":");
    CanonicalJson.write(out, payload);
    out.append(",\"seq\":").append(seq);
    out.append(",\"subject\":");
    CanonicalJson.write(out, subject);
    out.append(",\"tenantId\":");
    CanonicalJson.string(out, tenantText);
    out.append(",\"userId\":");
    CanonicalJson.write(out, userId == null ? null : userId.toString());
    return out.append('}').toString();
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

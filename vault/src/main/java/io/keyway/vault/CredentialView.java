package io.keyway.vault;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A credential as people see it: masked, never the key. */
public record CredentialView(UUID id, String provider, String label, String masked, OffsetDateTime linkedAt,
    OffsetDateTime lastUsedAt, String status) {

  static CredentialView from(Row r) {
    return new CredentialView(r.getUUID("id"), r.getString("provider"), r.getString("label"), r.getString("masked"),
        r.getOffsetDateTime("linked_at"), r.getOffsetDateTime("last_used_at"), r.getString("status"));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("provider", provider)
        .put("label", label)
        .put("masked", masked)
        .put("linkedAt", linkedAt.toInstant().toString())
        .put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toInstant().toString())
        .put("status", status);
  }
}

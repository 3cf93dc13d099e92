package io.keyway.gateway.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A user as the rest of the gateway sees one: never the password hash. */
public record UserRow(
    UUID id,
    UUID tenantId,
    String tenantName,
    String email,
    String displayName,
    Role role,
    boolean disabled,
    boolean mustResetPassword,
    Instant lastLoginAt) {

  static UserRow from(Row r) {
    OffsetDateTime last = r.getOffsetDateTime("last_login_at");
    return new UserRow(
        r.getUUID("id"),
        r.getUUID("tenant_id"),
        r.getString("tenant_name"),
        r.getString("email"),
        r.getString("display_name"),
        Role.parse("role", r.getString("role")),
        r.getBoolean("disabled"),
        r.getBoolean("must_reset_password"),
        last == null ? null : last.toInstant());
  }

  /** The admin view, {@code GET /api/users}. */
  public JsonObject toAdminJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("displayName", displayName)
        .put("role", role.wire())
        .put("disabled", disabled)
        .put("mustResetPassword", mustResetPassword)
        .put("lastLoginAt", lastLoginAt == null ? null : lastLoginAt.toString());
  }

  /** The caller's own view, {@code GET /api/account/me}. */
  public JsonObject toMeJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("displayName", displayName)
        .put("role", role.wire())
        .put("tenant", new JsonObject().put("id", tenantId.toString()).put("name", tenantName))
        .put("lastLoginAt", lastLoginAt == null ? null : lastLoginAt.toString())
        .put("mustResetPassword", mustResetPassword);
  }
}

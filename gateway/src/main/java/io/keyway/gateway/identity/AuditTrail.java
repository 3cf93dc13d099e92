package io.keyway.gateway.identity;

import io.keyway.ledger.AppendRequest;
import io.keyway.ledger.LedgerClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What the identity layer writes to the ledger: sign-ins (and failed ones for known users),
 * sign-outs, password changes, user and API-token changes. Each write is awaited: if the ledger
 * cannot record an event, the action that caused it fails rather than go unrecorded. Payloads never
 * hold a password, a token or a key.
 */
public final class AuditTrail {
  /** The actor of entries written by the command line. */
  public static final String CLI = "cli";

  private final LedgerClient ledger;

  public AuditTrail(LedgerClient ledger) {
    this.ledger = ledger;
  }

  public static String actor(Principal p) {
    return "user:" + p.userId();
  }

  private static JsonObject by(Principal p) {
    JsonObject via = new JsonObject();
    if (p.kind() == Principal.Kind.API_TOKEN) {
      via.put("apiTokenId", p.credentialId().toString());
    }
    return via;
  }

  Future<Void> loggedIn(UserRow user, String address) {
    return write(user.tenantId(), "auth.login", "user:" + user.id(), user.id(),
        new JsonObject().put("email", user.email()).put("address", address));
  }

  Future<Void> loginFailed(UserRow user, String address, String reason) {
    return write(user.tenantId(), "auth.login_failed", "user:" + user.id(), user.id(),
        new JsonObject().put("email", user.email()).put("address", address).put("reason", reason));
  }

  Future<Void> loggedOut(Principal p) {
    return write(p.tenantId(), "auth.logout", actor(p), p.userId(), by(p));
  }

  Future<Void> passwordChanged(Principal p) {
    return write(p.tenantId(), "auth.password_changed", actor(p), p.userId(), by(p));
  }

  Future<Void> userCreated(UUID tenantId, String actor, UserRow user) {
    return write(tenantId, "auth.user_created", actor, user.id(), new JsonObject()
        .put("email", user.email()).put("displayName", user.displayName()).put("role", user.role().wire())
        .put("mustResetPassword", user.mustResetPassword()));
  }

  Future<Void> userChanged(Principal admin, UserRow before, UserRow after) {
    JsonObject changes = new JsonObject();
    if (before.role() != after.role()) {
      changes.put("role", new JsonObject().put("from", before.role().wire()).put("to", after.role().wire()));
    }
    if (before.disabled() != after.disabled()) {
      changes.put("disabled", new JsonObject().put("from", before.disabled()).put("to", after.disabled()));
    }
    if (!before.displayName().equals(after.displayName())) {
      changes.put("displayName", new JsonObject().put("from", before.displayName()).put("to", after.displayName()));
    }
    return write(admin.tenantId(), "auth.user_changed", actor(admin), after.id(), by(admin).put("changes", changes));
  }

  Future<Void> userDeleted(Principal admin, UUID userId) {
    return write(admin.tenantId(), "auth.user_deleted", actor(admin), userId, by(admin));
  }

  Future<Void> apiTokenCreated(Principal p, UUID tokenId, String name, Role role) {
    return write(p.tenantId(), "auth.token_created", actor(p), p.userId(),
        by(p).put("tokenId", tokenId.toString()).put("name", name).put("role", role.wire()));
  }

  Future<Void> apiTokenRevoked(Principal p, UUID tokenId) {
    return write(p.tenantId(), "auth.token_revoked", actor(p), p.userId(), by(p).put("tokenId", tokenId.toString()));
  }

  public Future<Void> credentialLinked(Principal p, io.keyway.vault.CredentialView c, boolean rotated) {
    return write(p.tenantId(), rotated ? "credential.rotated" : "credential.added", actor(p), p.userId(),
        by(p).put("credentialId", c.id().toString()).put("provider", c.provider()).put("label", c.label())
            .put("masked", c.masked()));
  }

  public Future<Void> credentialUsed(Principal p, io.keyway.vault.CredentialView c, String purpose) {
    return write(p.tenantId(), "credential.used", actor(p), p.userId(),
        by(p).put("credentialId", c.id().toString()).put("provider", c.provider()).put("label", c.label())
            .put("masked", c.masked()).put("purpose", purpose));
  }

  public Future<Void> credentialUnlinked(Principal p, io.keyway.vault.CredentialView c) {
    return write(p.tenantId(), "credential.unlinked", actor(p), p.userId(),
        by(p).put("credentialId", c.id().toString()).put("provider", c.provider()).put("label", c.label())
            .put("masked", c.masked()));
  }

  Future<Void> themeChanged(Principal admin, JsonObject changes) {
    return ledger.append(AppendRequest.record(admin.tenantId(), "tenant.theme_changed", actor(admin),
        "tenant:" + admin.tenantId(), admin.userId(), by(admin).put("changes", changes))).mapEmpty();
  }

  private Future<Void> write(UUID tenantId, String kind, String actor, UUID userId, JsonObject payload) {
    return ledger.append(AppendRequest.record(tenantId, kind, actor, "user:" + userId, userId, payload)).mapEmpty();
  }
}

package io.keyway.gateway.identity;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * API tokens for agents: opaque, shown once, stored as a hash, acting with their owner's role (never
 * above it), revocable at once everywhere. Only a signed-in person (an access token) manages them;
 * an API token cannot mint or revoke tokens.
 */
public final class ApiTokens {
  private final IdentityChanges changes;
  private final AuditTrail audit;
  private final TenantScope db;

  public ApiTokens(IdentityChanges changes, AuditTrail audit, TenantScope db) {
    this.changes = changes;
    this.audit = audit;
    this.db = db;
  }

  public Future<JsonArray> list(Principal p) {
    return db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.API_TOKENS_OF_USER).execute(Tuple.of(p.userId())))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject()
              .put("id", r.getUUID("id").toString())
              .put("name", r.getString("name"))
              .put("role", r.getString("role"))
              .put("createdAt", iso(r.getOffsetDateTime("created_at")))
              .put("lastUsedAt", iso(r.getOffsetDateTime("last_used_at")))));
          return out;
        });
  }

  public Future<JsonObject> create(Principal p, String name) {
    if (p.kind() != Principal.Kind.ACCESS_TOKEN) {
      return Future.failedFuture(KeywayException.forbidden("API tokens are managed by signing in, not with an API token"));
    }
    UUID id = UUID.randomUUID();
    String token = OpaqueToken.mint(OpaqueToken.API, p.tenantId());
    return db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.API_TOKEN_INSERT).execute(Tuple.of(
            id, p.tenantId(), p.userId(), name, p.role().wire(), Buffer.buffer(OpaqueToken.sha256(token)))))
        .compose(x -> audit.apiTokenCreated(p, id, name, p.role()))
        .map(x -> new JsonObject()
            .put("id", id.toString())
            .put("name", name)
            .put("role", p.role().wire())
            .put("token", token));
  }

  public Future<Void> revoke(Principal p, UUID id) {
    if (p.kind() != Principal.Kind.ACCESS_TOKEN) {
      return Future.failedFuture(KeywayException.forbidden("API tokens are managed by signing in, not with an API token"));
    }
    return db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.API_TOKEN_REVOKE).execute(Tuple.of(id, p.userId())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(KeywayException.notFound("token"));
          }
          String hash = HexFormat.of().formatHex(rows.iterator().next().getBuffer("token_hash").getBytes());
          changes.apiTokenRevoked(hash);
          return audit.apiTokenRevoked(p, id);
        });
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}

package io.keyway.gateway.identity;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization} header into a {@link Principal}, or a 401. Access tokens (JWT) and
 * API tokens ({@code kwt_…}) are told apart by shape and neither is accepted as the other; refresh
 * tokens are never bearer tokens. Every call checks the live state of the user (disabled, role,
 * forced reset), of the session and of the API token through caches that the identity events
 * invalidate, so a revocation or a demotion applies at once without a database read per request.
 */
public final class Authenticator implements IdentityChanges {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final long TOUCH_EVERY_NANOS = Duration.ofSeconds(60).toNanos();

  private record Session(UUID userId, boolean revoked) {}

  private record ApiToken(UUID id, UUID userId, Role role, boolean revoked) {}

  private final AccessTokens accessTokens;
  private final TenantScope db;
  private final LiveCache<UUID, UserRow> users = new LiveCache<>(CACHE_TTL, 100_000);
  private final LiveCache<UUID, Session> sessions = new LiveCache<>(CACHE_TTL, 200_000);
  private final LiveCache<String, ApiToken> apiTokens = new LiveCache<>(CACHE_TTL, 100_000);
  private final Map<UUID, Long> lastTouched = new ConcurrentHashMap<>();
  private Vertx vertx;

  public Authenticator(AccessTokens accessTokens, TenantScope db) {
    this.accessTokens = accessTokens;
    this.db = db;
  }

  /** Subscribes the caches to the identity events; call once per node. */
  public Future<Void> listen(Vertx vertx) {
    this.vertx = vertx;
    var bus = vertx.eventBus();
    List<MessageConsumer<String>> consumers = List.of(
        bus.<String>consumer(IdentityAddresses.USER_CHANGED, m -> users.invalidate(UUID.fromString(m.body()))),
        bus.<String>consumer(IdentityAddresses.SESSION_REVOKED, m -> sessions.invalidate(UUID.fromString(m.body()))),
        bus.<String>consumer(IdentityAddresses.API_TOKEN_REVOKED, m -> apiTokens.invalidate(m.body())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  @Override
  public void userChanged(UUID userId) {
    users.invalidate(userId);
    publish(IdentityAddresses.USER_CHANGED, userId.toString());
  }

  @Override
  public void sessionRevoked(UUID sessionId) {
    sessions.invalidate(sessionId);
    publish(IdentityAddresses.SESSION_REVOKED, sessionId.toString());
  }

  @Override
  public void apiTokenRevoked(String tokenHashHex) {
    apiTokens.invalidate(tokenHashHex);
    publish(IdentityAddresses.API_TOKEN_REVOKED, tokenHashHex);
  }

  private void publish(String address, String body) {
    if (vertx != null) {
      vertx.eventBus().publish(address, body);
    }
  }

  /** Authenticates the raw {@code Authorization} header value (may be null). */
  public Future<Principal> authenticate(String authorization) {
    String token = bearer(authorization);
    if (token == null) {
      return Future.failedFuture(KeywayException.unauthorized());
    }
    if (token.startsWith(OpaqueToken.API + "_")) {
      return viaApiToken(token);
    }
    if (OpaqueToken.looksOpaque(token)) {
      return Future.failedFuture(KeywayException.unauthorized()); // a refresh token is not a bearer token
    }
    return viaAccessToken(token);
  }

  /** The user as cached, or a fresh read; 404 when missing from that tenant. */
  public Future<UserRow> user(UUID tenantId, UUID userId) {
    return users.get(userId, id -> loadUser(tenantId, id)).compose(u -> u == null || !u.tenantId().equals(tenantId)
        ? Future.failedFuture(KeywayException.notFound("user"))
        : Future.succeededFuture(u));
  }

  private Future<Principal> viaAccessToken(String token) {
    return accessTokens.verify(token).compose(claims ->
        sessions.get(claims.sessionId(), sid -> loadSession(claims.tenantId(), sid)).compose(session -> {
          if (session == null || session.revoked() || !session.userId().equals(claims.userId())) {
            return Future.failedFuture(KeywayException.unauthorized());
          }
          return activeUser(claims.tenantId(), claims.userId()).map(u -> new Principal(
              u.id(), u.tenantId(), u.role(), Principal.Kind.ACCESS_TOKEN, claims.sessionId(), u.mustResetPassword()));
        }));
  }

  private Future<Principal> viaApiToken(String token) {
    var parsed = OpaqueToken.parse(token, OpaqueToken.API);
    if (parsed.isEmpty()) {
      return Future.failedFuture(KeywayException.unauthorized());
    }
    return authenticateApiToken(parsed.get().tenantId(), HexFormat.of().formatHex(parsed.get().hash()));
  }

  /**
   * The hash (hex) an API token is stored and revoked by ({@link IdentityChanges#apiTokenRevoked}),
   * for a connection that must authenticate again later without keeping the token; empty for anything
   * that is not an API token.
   */
  public static Optional<String> apiTokenHash(String token) {
    return OpaqueToken.parse(token, OpaqueToken.API).map(t -> HexFormat.of().formatHex(t.hash()));
  }

  /** Authenticates an API token of {@code tenantId} known by its hash (see {@link #apiTokenHash}). */
  public Future<Principal> authenticateApiToken(UUID tenantId, String tokenHashHex) {
    return apiTokens.get(tokenHashHex, k -> loadApiToken(tenantId, HexFormat.of().parseHex(k))).compose(t -> {
      if (t == null || t.revoked()) {
        return Future.failedFuture(KeywayException.unauthorized());
      }
      return activeUser(tenantId, t.userId()).map(u -> {
        touch(tenantId, t.id());
        return new Principal(u.id(), u.tenantId(), Role.min(t.role(), u.role()), Principal.Kind.API_TOKEN, t.id(),
            u.mustResetPassword());
      });
    });
  }

  private Future<UserRow> activeUser(UUID tenantId, UUID userId) {
    return user(tenantId, userId)
        .recover(e -> Future.failedFuture(KeywayException.unauthorized()))
        .compose(u -> u.disabled() ? Future.failedFuture(KeywayException.unauthorized()) : Future.succeededFuture(u));
  }

  private Future<UserRow> loadUser(UUID tenantId, UUID userId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(IdentitySql.USER_BY_ID).execute(Tuple.of(userId)))
        .map(rows -> rows.size() == 0 ? null : UserRow.from(rows.iterator().next()));
  }

  private Future<Session> loadSession(UUID tenantId, UUID sessionId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(IdentitySql.FAMILY_STATE).execute(Tuple.of(sessionId)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Session(r.getUUID("user_id"), r.getBoolean("revoked"));
        });
  }

  private Future<ApiToken> loadApiToken(UUID tenantId, byte[] hash) {
    return db.inTenant(tenantId, c -> c.preparedQuery(IdentitySql.API_TOKEN_BY_HASH).execute(Tuple.of(Buffer.buffer(hash))))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new ApiToken(r.getUUID("id"), r.getUUID("user_id"), Role.parse("role", r.getString("role")),
              r.getBoolean("revoked"));
        });
  }

  /** Records last use at most once a minute per token, off the request's path. */
  private void touch(UUID tenantId, UUID tokenId) {
    long now = System.nanoTime();
    Long before = lastTouched.get(tokenId);
    if (before != null && now - before < TOUCH_EVERY_NANOS) {
      return;
    }
    lastTouched.put(tokenId, now);
    db.inTenant(tenantId, c -> c.preparedQuery(IdentitySql.API_TOKEN_TOUCH).execute(Tuple.of(tokenId)))
        .onFailure(e -> LOG.warn("Could not record the last use of API token {}: {}", tokenId, e.getMessage()));
  }

  private static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() || token.length() > 4096 ? null : token;
  }
}

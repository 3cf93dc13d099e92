package io.keyway.gateway.identity;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, token refresh with reuse detection, sign-out and password change. An unknown email and a
 * wrong password get the same 401 after the same amount of hashing work.
 */
public final class AuthService {
  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);

  private final IdentityChanges changes;
  private final AuditTrail audit;
  private final TenantScope db;
  private final PasswordWorkers passwords;
  private final AccessTokens accessTokens;
  private final LoginThrottle throttle;
  private final Duration refreshTtl;
  private final String decoyHash;

  public AuthService(IdentityChanges changes, AuditTrail audit, TenantScope db, PasswordWorkers passwords, AccessTokens accessTokens,
      LoginThrottle throttle, Duration refreshTtl) {
    this.changes = changes;
    this.audit = audit;
    this.db = db;
    this.passwords = passwords;
    this.accessTokens = accessTokens;
    this.throttle = throttle;
    this.refreshTtl = refreshTtl;
    // verified against when the email is unknown, so that case costs what a wrong password costs
    this.decoyHash = new PasswordHasher().hash(UUID.randomUUID().toString());
  }

  private record Candidate(UserRow user, String hash) {}

  public Future<TokenPair> login(String email, String password, String address) {
    // lower-cased here, as Validation.email stores it, so the throttle's key and the lookup name the same account
    String normalized = email.toLowerCase(Locale.ROOT);
    return throttle.admitEmail(normalized, address, "too many failed sign-ins; try again later")
        .compose(attempt -> keptIfWrong(attempt, verifiedLogin(normalized, password, address, attempt),
            ErrorCode.UNAUTHORIZED));
  }

  /**
   * An admitted attempt becomes a decided failure when {@code outcome} is the wrong-password answer ({@code verdict});
   * any other failure (the database, the hashing pool) said nothing about the password, and takes the attempt back.
   */
  private <T> Future<T> keptIfWrong(UUID attempt, Future<T> outcome, ErrorCode verdict) {
    return outcome.recover(e -> {
      if (e instanceof KeywayException k) {
        Future<Void> settled = k.code() == verdict ? throttle.failed(attempt) : throttle.undecided(attempt);
        return settled.transform(x -> Future.failedFuture(e));
      }
      // a failure of the database or the like says nothing about the password: unavailable, not a bare 500
      LOG.warn("A sign-in or password change failed without a verdict: {}", e.toString());
      return throttle.undecided(attempt).transform(x -> Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE,
          "unavailable for a moment; retry shortly")));
    });
  }

  private Future<TokenPair> verifiedLogin(String email, String password, String address, UUID attempt) {
    return findCandidate(email).compose(c -> passwords.verify(password, c == null ? decoyHash : c.hash()).compose(ok -> {
      if (c == null || !ok || c.user().disabled()) {
        // marked a decided failure by keptIfWrong before this answer goes out
        Future<Void> audited = c == null ? Future.succeededFuture()
            : audit.loginFailed(c.user(), address, ok ? "user disabled" : "wrong password")
                .onFailure(e -> LOG.warn("A failed sign-in could not be recorded: {}", e.getMessage()));
        return audited.transform(x -> Future.<TokenPair>failedFuture(
            KeywayException.of(ErrorCode.UNAUTHORIZED, "email or password is not correct")));
      }
      throttle.succeededEmail(email, attempt);
      UserRow user = c.user();
      return db.inTenant(user.tenantId(), conn -> conn.preparedQuery(IdentitySql.USER_RECORD_LOGIN)
              .execute(Tuple.of(user.id()))
              .compose(x -> startSession(conn, user)))
          .compose(pair -> audit.loggedIn(user, address).map(pair))
          .onSuccess(x -> changes.userChanged(user.id()));
    }));
  }

  private Future<Candidate> findCandidate(String email) {
    return db.unscoped(c -> c.preparedQuery(IdentitySql.TENANT_OF_EMAIL).execute(Tuple.of(email)))
        .compose(rows -> {
          UUID tenant = rows.iterator().next().getUUID("tenant_id");
          if (tenant == null) {
            return Future.succeededFuture(null);
          }
          return db.inTenant(tenant, c -> c.preparedQuery(IdentitySql.USER_BY_EMAIL_WITH_HASH).execute(Tuple.of(email)))
              .map(r -> {
                if (r.size() == 0) {
                  return null;
                }
                Row row = r.iterator().next();
                return new Candidate(UserRow.from(row), row.getString("password_hash"));
              });
        });
  }

  /** A new refresh family with its first token, and an access token bound to it. */
  private Future<TokenPair> startSession(SqlConnection c, UserRow user) {
    UUID family = UUID.randomUUID();
    return c.preparedQuery(IdentitySql.FAMILY_INSERT).execute(Tuple.of(family, user.tenantId(), user.id()))
        .compose(x -> issue(c, user, family));
  }

  private Future<TokenPair> issue(SqlConnection c, UserRow user, UUID family) {
    String refresh = OpaqueToken.mint(OpaqueToken.REFRESH, user.tenantId());
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(refreshTtl);
    return c.preparedQuery(IdentitySql.REFRESH_INSERT)
        .execute(Tuple.of(Buffer.buffer(OpaqueToken.sha256(refresh)), user.tenantId(), family, expires))
        .map(x -> new TokenPair(accessTokens.issue(user.id(), user.tenantId(), family), refresh,
            accessTokens.ttlSeconds(), user.mustResetPassword()));
  }

  private enum RefreshOutcome { OK, REUSED, INVALID }

  private record Refreshed(RefreshOutcome outcome, TokenPair pair, UUID family) {}

  /** Rotates a refresh token; a token presented twice revokes its whole family. */
  public Future<TokenPair> refresh(String refreshToken) {
    var parsed = OpaqueToken.parse(refreshToken, OpaqueToken.REFRESH);
    if (parsed.isEmpty()) {
      return Future.failedFuture(KeywayException.unauthorized());
    }
    UUID tenant = parsed.get().tenantId();
    Buffer hash = Buffer.buffer(parsed.get().hash());
    return db.inTenant(tenant, c -> c.preparedQuery(IdentitySql.REFRESH_FOR_UPDATE).execute(Tuple.of(hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Refreshed(RefreshOutcome.INVALID, null, null));
          }
          Row r = rows.iterator().next();
          UUID family = r.getUUID("family_id");
          if (r.getOffsetDateTime("revoked_at") != null) {
            return Future.succeededFuture(new Refreshed(RefreshOutcome.INVALID, null, family));
          }
          if (r.getOffsetDateTime("used_at") != null) {
            return c.preparedQuery(IdentitySql.FAMILY_REVOKE).execute(Tuple.of(family, "refresh token reuse"))
                .map(x -> new Refreshed(RefreshOutcome.REUSED, null, family));
          }
          if (r.getOffsetDateTime("expires_at").isBefore(OffsetDateTime.now(ZoneOffset.UTC))) {
            return Future.succeededFuture(new Refreshed(RefreshOutcome.INVALID, null, family));
          }
          return c.preparedQuery(IdentitySql.USER_BY_ID).execute(Tuple.of(r.getUUID("user_id"))).compose(users -> {
            if (users.size() == 0 || UserRow.from(users.iterator().next()).disabled()) {
              return Future.succeededFuture(new Refreshed(RefreshOutcome.INVALID, null, family));
            }
            UserRow user = UserRow.from(users.iterator().next());
            return c.preparedQuery(IdentitySql.REFRESH_MARK_USED).execute(Tuple.of(hash))
                .compose(x -> issue(c, user, family))
                .map(pair -> new Refreshed(RefreshOutcome.OK, pair, family));
          });
        }))
        .compose(result -> switch (result.outcome()) {
          case OK -> Future.succeededFuture(result.pair());
          case REUSED -> {
            LOG.warn("Refresh token reuse detected: session {} revoked", result.family());
            changes.sessionRevoked(result.family());
            yield Future.failedFuture(KeywayException.unauthorized());
          }
          case INVALID -> Future.failedFuture(KeywayException.unauthorized());
        });
  }

  /** Revokes the caller's session (the refresh family behind its access token). */
  public Future<Void> logout(Principal p) {
    if (p.kind() != Principal.Kind.ACCESS_TOKEN) {
      return audit.loggedOut(p);
    }
    return db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.FAMILY_REVOKE)
            .execute(Tuple.of(p.credentialId(), "logout")))
        .onSuccess(x -> changes.sessionRevoked(p.credentialId()))
        .compose(x -> audit.loggedOut(p));
  }

  /**
   * Changes the caller's password after checking the current one, clears the forced reset, and
   * signs out every other session of the user.
   */
  public Future<Void> changePassword(Principal p, String current, String next, String address) {
    if (current.equals(next)) {
      return Future.failedFuture(KeywayException.badField("newPassword", "must differ from the current password"));
    }
    return throttle.admitUser(p.userId(), address, "too many wrong passwords; try again later")
        .compose(attempt -> keptIfWrong(attempt, verifiedPasswordChange(p, current, next, attempt),
            ErrorCode.FORBIDDEN));
  }

  private Future<Void> verifiedPasswordChange(Principal p, String current, String next, UUID attempt) {
    return db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.USER_HASH).execute(Tuple.of(p.userId())))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(KeywayException.unauthorized())
            : passwords.verify(current, rows.iterator().next().getString("password_hash")))
        .compose(ok -> {
          if (!ok) {
            // marked a decided failure by keptIfWrong before this answer goes out
            return Future.failedFuture(KeywayException.forbidden("currentPassword is not correct"));
          }
          return passwords.hash(next);
        })
        .compose(hash -> db.inTenant(p.tenantId(), c -> c.preparedQuery(IdentitySql.USER_SET_PASSWORD)
            .execute(Tuple.of(p.userId(), hash))
            .compose(x -> c.preparedQuery(IdentitySql.FAMILIES_REVOKE_OTHERS).execute(Tuple.of(p.userId(),
                p.kind() == Principal.Kind.ACCESS_TOKEN ? p.credentialId() : null, "password changed")))))
        .onSuccess(revoked -> {
          throttle.succeededUser(p.userId(), attempt);
          changes.userChanged(p.userId());
          revoked.forEach(r -> changes.sessionRevoked(r.getUUID("id")));
        })
        .compose(x -> audit.passwordChanged(p));
  }
}

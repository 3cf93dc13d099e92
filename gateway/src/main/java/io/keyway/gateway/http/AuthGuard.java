package io.keyway.gateway.http;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Route handlers that establish who is calling and what they may do. */
public final class AuthGuard {
  private static final String KEY = "principal";
  private final Authenticator authenticator;

  public AuthGuard(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Any valid bearer token, even one whose user must still change the password. */
  public Handler<RoutingContext> signedIn() {
    return ctx -> authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .onSuccess(p -> {
          ctx.put(KEY, p);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** A valid bearer token whose user has no pending forced password change. */
  public Handler<RoutingContext> ready() {
    return ctx -> authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .onSuccess(p -> {
          if (p.mustResetPassword()) {
            ctx.fail(KeywayException.of(ErrorCode.PASSWORD_RESET_REQUIRED,
                "change your password first (POST /api/auth/password)"));
            return;
          }
          ctx.put(KEY, p);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** Requires at least {@code role}; mount after {@link #ready()}. */
  public static Handler<RoutingContext> role(Role role) {
    return ctx -> {
      if (!principal(ctx).role().atLeast(role)) {
        ctx.fail(KeywayException.forbidden("this needs the " + role.wire() + " role"));
        return;
      }
      ctx.next();
    };
  }

  public static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(KEY);
    if (p == null) {
      throw KeywayException.unauthorized();
    }
    return p;
  }
}

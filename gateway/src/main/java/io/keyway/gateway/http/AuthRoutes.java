package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.AuthService;
import io.keyway.gateway.identity.Validation;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/auth/*}: sign-in, refresh, sign-out, password change. */
final class AuthRoutes {
  private static final int MAX_CREDENTIAL_LENGTH = 1024;
  private final AuthService auth;

  AuthRoutes(AuthService auth) {
    this.auth = auth;
  }

  void mount(Router router, AuthGuard guard) {
    router.post("/api/auth/login").handler(this::login);
    router.post("/api/auth/refresh").handler(this::refresh);
    router.post("/api/auth/logout").handler(guard.signedIn()).handler(this::logout);
    router.post("/api/auth/password").handler(guard.signedIn()).handler(this::changePassword);
  }

  private void login(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String email = bounded(body.string("email"), "email");
    String password = bounded(body.string("password"), "password");
    auth.login(email.strip(), password, clientAddress(ctx))
        .onSuccess(pair -> Replies.json(ctx, 200, pair.toJson()))
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    String token = bounded(RequestBody.of(ctx).string("refreshToken"), "refreshToken");
    auth.refresh(token).onSuccess(pair -> Replies.json(ctx, 200, pair.toJson())).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    auth.logout(AuthGuard.principal(ctx)).onSuccess(x -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void changePassword(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String current = bounded(body.string("currentPassword"), "currentPassword");
    String next = Validation.newPassword("newPassword", body.string("newPassword"));
    auth.changePassword(AuthGuard.principal(ctx), current, next, clientAddress(ctx))
        .onSuccess(x -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  static String bounded(String value, String field) {
    if (value.isEmpty() || value.length() > MAX_CREDENTIAL_LENGTH) {
      throw KeywayException.badField(field, "must be 1-" + MAX_CREDENTIAL_LENGTH + " characters");
    }
    return value;
  }

  static String clientAddress(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "unknown" : remote.hostAddress();
  }
}

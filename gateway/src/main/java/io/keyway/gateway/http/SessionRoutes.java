package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.AuthService;
import io.keyway.gateway.identity.TokenPair;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code /api/auth/session}: the browser's sign-in. Same rules as {@code /api/auth/login} and
 * {@code /refresh}, but the refresh token travels only in an {@code HttpOnly; SameSite=Strict}
 * cookie scoped to this path, so page script (and anything injected into it) never holds it. The
 * access token is answered as JSON and kept in memory by the dashboard.
 *
 * <p>The cookie alone authorises nothing but a refresh, and a refresh also needs the
 * {@value #CSRF_HEADER} header, which a cross-site form cannot send and a cross-origin script
 * cannot send without a CORS preflight this gateway never grants.
 */
final class SessionRoutes {
  static final String COOKIE = "keyway_refresh";
  static final String PATH = "/api/auth/session";
  static final String CSRF_HEADER = "X-Keyway-Session";
  private final AuthService auth;
  private final Duration refreshTtl;

  SessionRoutes(AuthService auth, Duration refreshTtl) {
    this.auth = auth;
    this.refreshTtl = refreshTtl;
  }

  void mount(Router router, AuthGuard guard) {
    router.post(PATH).handler(this::signIn);
    router.post(PATH + "/refresh").handler(this::refresh);
    router.delete(PATH).handler(guard.signedIn()).handler(this::signOut);
  }

  private void signIn(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String email = AuthRoutes.bounded(body.string("email"), "email");
    String password = AuthRoutes.bounded(body.string("password"), "password");
    auth.login(email.strip(), password, AuthRoutes.clientAddress(ctx))
        .onSuccess(pair -> answer(ctx, pair))
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null || !"1".equals(ctx.request().getHeader(CSRF_HEADER))) {
      throw KeywayException.unauthorized();
    }
    auth.refresh(AuthRoutes.bounded(cookie.getValue(), COOKIE))
        .onSuccess(pair -> answer(ctx, pair))
        .onFailure(e -> {
          ctx.response().addCookie(cookie(ctx, "", Duration.ZERO));
          ctx.fail(e);
        });
  }

  private void signOut(RoutingContext ctx) {
    auth.logout(AuthGuard.principal(ctx))
        .onSuccess(x -> {
          ctx.response().addCookie(cookie(ctx, "", Duration.ZERO));
          Replies.noContent(ctx);
        })
        .onFailure(ctx::fail);
  }

  private void answer(RoutingContext ctx, TokenPair pair) {
    ctx.response().addCookie(cookie(ctx, pair.refreshToken(), refreshTtl));
    JsonObject body = pair.toJson();
    body.remove("refreshToken");
    Replies.json(ctx, 200, body);
  }

  /** Secure over TLS, and behind a proxy that says it terminated TLS (only ever stricter). */
  private static boolean secure(RoutingContext ctx) {
    return ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  private static Cookie cookie(RoutingContext ctx, String value, Duration maxAge) {
    return Cookie.cookie(COOKIE, value).setPath(PATH).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(secure(ctx)).setMaxAge(maxAge.toSeconds());
  }
}

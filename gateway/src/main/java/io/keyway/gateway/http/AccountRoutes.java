package io.keyway.gateway.http;

import io.keyway.gateway.identity.ApiTokens;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Validation;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/account/*}: the caller's own profile and API tokens. */
final class AccountRoutes {
  private final Authenticator authenticator;
  private final ApiTokens tokens;

  AccountRoutes(Authenticator authenticator, ApiTokens tokens) {
    this.authenticator = authenticator;
    this.tokens = tokens;
  }

  void mount(Router router, AuthGuard guard) {
    router.get("/api/account/me").handler(guard.ready()).handler(this::me);
    router.get("/api/account/tokens").handler(guard.ready()).handler(this::listTokens);
    router.post("/api/account/tokens").handler(guard.ready()).handler(this::createToken);
    router.delete("/api/account/tokens/:id").handler(guard.ready()).handler(this::revokeToken);
  }

  private void me(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    authenticator.user(p.tenantId(), p.userId())
        .onSuccess(u -> Replies.json(ctx, 200, u.toMeJson()))
        .onFailure(ctx::fail);
  }

  private void listTokens(RoutingContext ctx) {
    tokens.list(AuthGuard.principal(ctx)).onSuccess(list -> Replies.json(ctx, 200, list)).onFailure(ctx::fail);
  }

  private void createToken(RoutingContext ctx) {
    String name = Validation.tokenName("name", RequestBody.of(ctx).string("name"));
    tokens.create(AuthGuard.principal(ctx), name)
        .onSuccess(created -> Replies.json(ctx, 201, created))
        .onFailure(ctx::fail);
  }

  private void revokeToken(RoutingContext ctx) {
    tokens.revoke(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"))
        .onSuccess(x -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }
}

package io.keyway.gateway.http;

import io.keyway.gateway.identity.Role;
import io.keyway.gateway.identity.TenantTheme;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/account/tenant}: the caller's tenant theme; admins change it. */
final class TenantRoutes {
  private final TenantTheme themes;

  TenantRoutes(TenantTheme themes) {
    this.themes = themes;
  }

  void mount(Router router, AuthGuard guard) {
    router.get("/api/account/tenant").handler(guard.ready()).handler(this::get);
    router.post("/api/account/tenant").handler(guard.ready()).handler(AuthGuard.role(Role.ADMIN)).handler(this::update);
  }

  private void get(RoutingContext ctx) {
    themes.get(AuthGuard.principal(ctx)).onSuccess(t -> Replies.json(ctx, 200, t)).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    themes.update(AuthGuard.principal(ctx), RequestBody.of(ctx).json())
        .onSuccess(t -> Replies.json(ctx, 200, t))
        .onFailure(ctx::fail);
  }
}

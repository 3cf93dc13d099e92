package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.TenantTheme;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /theme/{tenantId}.css}: a tenant's custom CSS as a stylesheet of its own. Public,
 * because a {@code <link rel=stylesheet>} cannot send a bearer token; a tenant id is an unguessable
 * UUID and the sheet holds styling only. Served as {@code text/css} with {@code nosniff} and the
 * dashboard's policy, so it can never run as script.
 */
final class ThemeStylesheetRoutes {
  private final TenantTheme themes;

  ThemeStylesheetRoutes(TenantTheme themes) {
    this.themes = themes;
  }

  void mount(Router router) {
    router.get("/theme/:file").handler(DashboardRoutes::securityHeaders).handler(this::stylesheet);
  }

  private void stylesheet(RoutingContext ctx) {
    UUID tenantId = tenantOf(ctx.pathParam("file"));
    themes.css(tenantId)
        .onSuccess(css -> ctx.response()
            .putHeader("Content-Type", "text/css; charset=utf-8")
            .putHeader("Cache-Control", "no-cache")
            .end(css))
        .onFailure(e -> ctx.fail(KeywayException.notFound("stylesheet")));
  }

  private static UUID tenantOf(String file) {
    if (file == null || !file.endsWith(".css")) {
      throw KeywayException.notFound("stylesheet");
    }
    try {
      return UUID.fromString(file.substring(0, file.length() - ".css".length()));
    } catch (IllegalArgumentException e) {
      throw KeywayException.notFound("stylesheet");
    }
  }
}

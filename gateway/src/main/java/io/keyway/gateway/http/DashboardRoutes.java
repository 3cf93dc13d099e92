package io.keyway.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.regex.Pattern;

/**
 * The browser dashboard (module {@code keyway-web}) at {@code /}, and the chart library from its
 * WebJar at {@code /webjars/}. Every page is sent under a Content-Security-Policy that runs only
 * this origin's own script files: no inline script, no foreign script, no framing.
 */
final class DashboardRoutes {
  /** Where keyway-web keeps the dashboard's files on the classpath. */
  static final String WEB_ROOT = "keyway-web";
  private static final String WEBJARS_ROOT = "META-INF/resources/webjars";
  /** A Host header fit to be echoed into the policy (name or address, optional port). */
  private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.\\-]{1,253}(?::[0-9]{1,5})?$|^\\[[0-9A-Fa-f:.]{2,45}\\](?::[0-9]{1,5})?$");
  private static final long A_YEAR = 365L * 24 * 3600;
  private static final String FILES = "^/(?!api/|ws$).*";

  void mount(Router router) {
    // Versioned paths (the WebJar's version is part of the URL) may be cached for good.
    router.get("/webjars/*").handler(DashboardRoutes::securityHeaders)
        .handler(ctx -> {
          ctx.response().putHeader("Cache-Control", "public, max-age=" + A_YEAR + ", immutable");
          ctx.next();
        })
        .handler(StaticHandler.create(WEBJARS_ROOT).setCachingEnabled(false).setDirectoryListing(false));
    // The dashboard's own files are not fingerprinted: the browser revalidates each time (ETag/304).
    // /api/ and /ws never reach the file lookup, wherever their routes are mounted.
    router.getWithRegex(FILES).handler(DashboardRoutes::securityHeaders)
        .handler(ctx -> {
          ctx.response().putHeader("Cache-Control", "no-cache");
          ctx.next();
        })
        .handler(StaticHandler.create(WEB_ROOT).setCachingEnabled(true).setMaxAgeSeconds(0)
            .setDirectoryListing(false).setIncludeHidden(false).setDefaultContentEncoding("UTF-8"));
  }

  /** The headers every dashboard file carries. */
  static void securityHeaders(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    r.putHeader("Content-Security-Policy", policy(ctx.request().authority() == null ? null
        : ctx.request().authority().toString()));
    r.putHeader("X-Content-Type-Options", "nosniff");
    r.putHeader("X-Frame-Options", "DENY");
    r.putHeader("Referrer-Policy", "no-referrer");
    r.putHeader("Cross-Origin-Opener-Policy", "same-origin");
    ctx.next();
  }

  /**
   * Scripts and styles from this origin only ({@code blob:} styles are the theme editor's live
   * preview, made by our own script); the WebSocket of this origin named explicitly, since not every
   * browser counts ws: as 'self'. The one image the dashboard shows is the tenant's logo, a path here
   * or any https:// URL (TenantTheme allows both), so images come from those two and nothing else
   * (no {@code data:}, no plain http).
   */
  static String policy(String host) {
    String sockets = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
    return "default-src 'self'; script-src 'self'; style-src 'self' blob:; img-src 'self' https:; "
        + "font-src 'self'; connect-src 'self'" + sockets + "; object-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'";
  }
}

package io.keyway.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the gateway serves the dashboard, the chart library and a tenant's stylesheet. */
class DashboardServingTest {
  @RegisterExtension
  static GatewayExtension gateway = new GatewayExtension();

  @Test
  @DisplayName("/ is the dashboard, under a policy that runs only this origin's script files and forbids framing")
  void indexUnderStrictPolicy() {
    Api.Response r = gateway.api().get("/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("<script type=\"module\" src=\"/js/app.js\"></script>");
    assertThat(r.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
    String csp = r.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    // images: the tenant's logo only, a path here or an https:// URL
    assertThat(csp).contains("img-src 'self' https:;").doesNotContain("data:");
    assertThat(csp).containsPattern("connect-src 'self' ws://127\\.0\\.0\\.1:\\d+ wss://127\\.0\\.0\\.1:\\d+");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  @DisplayName("the dashboard's scripts and the pinned chart library are served, the library cached for good")
  void assets() {
    Api.Response app = gateway.api().get("/js/app.js", null);
    assertThat(app.status()).isEqualTo(200);
    assertThat(app.header("Content-Type")).contains("javascript");
    Api.Response chart = gateway.api().get("/webjars/chart.js/4.5.1/dist/chart.umd.min.js", null);
    assertThat(chart.status()).isEqualTo(200);
    assertThat(chart.header("Cache-Control")).contains("immutable");
    assertThat(gateway.api().get("/webjars/chart.js/4.5.1/LICENSE.md", null).body()).contains("MIT");
  }

  @Test
  @DisplayName("unknown paths and API paths still answer the JSON error body, never a file")
  void unknownPaths() {
    Api.Response missing = gateway.api().get("/no-such-file.js", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    Api.Response api = gateway.api().get("/api/no-such-route", null);
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.errorCode()).isEqualTo("not_found");
    assertThat(gateway.api().get("/../pom.xml", null).status()).isIn(400, 404);
  }

  @Test
  @DisplayName("a tenant's custom CSS is its own text/css stylesheet; each tenant gets its own, a made-up id none")
  void tenantStylesheet() {
    TestGateway.Session acme = gateway.signedIn("acme-css", "admin@acme-css.test", Role.ADMIN);
    TestGateway.Session globex = gateway.signedIn("globex-css", "admin@globex-css.test", Role.ADMIN);
    String css = ".brand { color: #123456; }";
    assertThat(gateway.api().post("/api/account/tenant", acme.accessToken(), new JsonObject().put("customCss", css))
        .status()).isEqualTo(200);
    Api.Response mine = gateway.api().get("/theme/" + acme.tenantId() + ".css", null);
    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.header("Content-Type")).startsWith("text/css");
    assertThat(mine.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(mine.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(mine.body()).isEqualTo(css);
    assertThat(gateway.api().get("/theme/" + globex.tenantId() + ".css", null).body()).doesNotContain("#123456");
    Api.Response unknown = gateway.api().get("/theme/" + UUID.randomUUID() + ".css", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("not_found");
    assertThat(gateway.api().get("/theme/not-a-uuid.css", null).status()).isEqualTo(404);
  }
}

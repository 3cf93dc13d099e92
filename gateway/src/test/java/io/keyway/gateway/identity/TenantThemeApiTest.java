package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class TenantThemeApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();

  private static Api api() {
    return GATEWAY.api();
  }

  @Test
  @DisplayName("everyone reads their tenant's theme; an admin's change merges, is audited, and stays in the tenant")
  void readChangeAndIsolation() {
    TestGateway.Session adminA = GATEWAY.gateway().signedIn("theme-a", "admin@theme-a.test", Role.ADMIN);
    TestGateway.Session viewerA = GATEWAY.gateway().signedIn("theme-a", "viewer@theme-a.test", Role.VIEWER);
    TestGateway.Session adminB = GATEWAY.gateway().signedIn("theme-b", "admin@theme-b.test", Role.ADMIN);

    JsonObject initial = api().get("/api/account/tenant", viewerA.accessToken()).json();
    assertThat(initial.fieldNames()).containsExactlyInAnyOrder("name", "displayName", "logoUrl", "colors", "customCss");
    assertThat(initial.getString("name")).isEqualTo("theme-a");
    assertThat(initial.getJsonObject("colors").fieldNames()).containsExactlyInAnyOrder("primary", "accent", "bg", "panel");

    Api.Response changed = api().post("/api/account/tenant", adminA.accessToken(), new JsonObject()
        .put("displayName", "Acme Capital").put("logoUrl", "https://cdn.acme.test/logo.svg")
        .put("colors", new JsonObject().put("primary", "#AA0000")).put("customCss", ".brand { font-weight: 700; }"));
    assertThat(changed.status()).isEqualTo(200);
    JsonObject after = api().get("/api/account/tenant", viewerA.accessToken()).json();
    assertThat(after.getString("displayName")).isEqualTo("Acme Capital");
    assertThat(after.getString("logoUrl")).isEqualTo("https://cdn.acme.test/logo.svg");
    assertThat(after.getJsonObject("colors").getString("primary")).isEqualTo("#aa0000");
    assertThat(after.getJsonObject("colors").getString("bg")).isEqualTo(initial.getJsonObject("colors").getString("bg"));
    assertThat(after.getString("customCss")).isEqualTo(".brand { font-weight: 700; }");

    // a partial update leaves the rest alone; an explicit null clears the logo
    api().post("/api/account/tenant", adminA.accessToken(), new JsonObject().putNull("logoUrl"));
    JsonObject cleared = api().get("/api/account/tenant", adminA.accessToken()).json();
    assertThat(cleared.getValue("logoUrl")).isNull();
    assertThat(cleared.getString("displayName")).isEqualTo("Acme Capital");

    JsonArray audit = api().get("/api/ledger/entries?kind=tenant.theme_changed", adminA.accessToken()).json()
        .getJsonArray("items");
    assertThat(audit).hasSize(2);
    assertThat(audit.encode()).doesNotContain("font-weight");

    JsonObject themeB = api().get("/api/account/tenant", adminB.accessToken()).json();
    assertThat(themeB.getString("name")).isEqualTo("theme-b");
    assertThat(themeB.getString("displayName")).isNotEqualTo("Acme Capital");
    assertThat(api().get("/api/ledger/entries?kind=tenant.theme_changed", adminB.accessToken()).json()
        .getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("only admins change the theme, and bad input is a 400 naming the field with nothing written")
  void rulesAndValidation() {
    TestGateway.Session admin = GATEWAY.gateway().signedIn("theme-c", "admin@theme-c.test", Role.ADMIN);
    TestGateway.Session operator = GATEWAY.gateway().signedIn("theme-c", "op@theme-c.test", Role.OPERATOR);
    assertThat(api().post("/api/account/tenant", operator.accessToken(), new JsonObject().put("displayName", "x"))
        .status()).isEqualTo(403);

    record Bad(JsonObject body, String field) {}
    for (Bad bad : new Bad[] {
        new Bad(new JsonObject().put("colors", new JsonObject().put("primary", "red")), "colors.primary"),
        new Bad(new JsonObject().put("colors", new JsonObject().put("text", "#ffffff")), "colors.text"),
        new Bad(new JsonObject().put("colors", "#ffffff"), "colors"),
        new Bad(new JsonObject().put("logoUrl", "javascript:alert(1)"), "logoUrl"),
        new Bad(new JsonObject().put("logoUrl", "http://plain.test/logo.png"), "logoUrl"),
        new Bad(new JsonObject().put("customCss", "</style><script>alert(1)</script>"), "customCss"),
        new Bad(new JsonObject().put("customCss", "@import url(https://evil.test/x.css);"), "customCss"),
        new Bad(new JsonObject().put("customCss", "@\\69mport 'x';"), "customCss"),
        new Bad(new JsonObject().put("customCss", "a{}".repeat(12_000)), "customCss"),
        new Bad(new JsonObject().put("displayName", 42), "displayName"),
        new Bad(new JsonObject().put("name", "renamed"), "name"),
        new Bad(new JsonObject().put("theme", "dark"), "theme")}) {
      Api.Response r = api().post("/api/account/tenant", admin.accessToken(), bad.body());
      assertThat(r.status()).as(bad.body().encode()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("message")).as(bad.body().encode()).contains(bad.field());
    }
    // the valid part of a half-bad request is not written either
    api().post("/api/account/tenant", admin.accessToken(), new JsonObject().put("displayName", "Half")
        .put("colors", new JsonObject().put("bg", "nope")));
    assertThat(api().get("/api/account/tenant", admin.accessToken()).json().getString("displayName")).isNotEqualTo("Half");
    assertThat(api().get("/api/ledger/entries?kind=tenant.theme_changed", admin.accessToken()).json()
        .getJsonArray("items")).isEmpty();
  }
}

package io.keyway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every failure is the one error body; no input is ever a 500 or a stack trace. */
@Timeout(120)
class HttpConventionsTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of("KEYWAY_LOGIN_MAX_FAILURES", "1000", "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
  private static TestGateway gw;
  private static Api api;
  private static TestGateway.Session admin;

  @BeforeAll
  static void start() {
    gw = GATEWAY.gateway();
    api = gw.api();
    admin = gw.signedIn("conv", "admin@conv.test", Role.ADMIN);
  }

  private static void assertErrorBody(Api.Response r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("requestId")).isEqualTo(r.header("X-Request-Id"));
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.keyway");
  }

  @Test
  @DisplayName("malformed JSON, a non-object body and wrongly typed fields answer 400 naming the field")
  void badBodies() {
    assertErrorBody(api.raw("POST", "/api/auth/login", null, "{not json"), 400, "bad_request");
    assertErrorBody(api.raw("POST", "/api/auth/login", null, "[1,2]"), 400, "bad_request");
    assertErrorBody(api.raw("POST", "/api/auth/login", null, "\"text\""), 400, "bad_request");
    Api.Response typed = api.raw("POST", "/api/auth/login", null, "{\"email\": 12, \"password\": \"x\"}");
    assertErrorBody(typed, 400, "bad_request");
    assertThat(typed.json().getJsonObject("error").getString("field")).isEqualTo("email");
    Api.Response missing = api.raw("POST", "/api/auth/login", null, "{\"email\": \"a@b.c\"}");
    assertThat(missing.json().getJsonObject("error").getString("field")).isEqualTo("password");
    Api.Response nested = api.raw("PATCH", "/api/users/" + admin.userId(), admin.accessToken(), "{\"role\": {\"x\": 1}}");
    assertErrorBody(nested, 400, "bad_request");
    assertThat(nested.json().getJsonObject("error").getString("field")).isEqualTo("role");
    assertErrorBody(api.raw("POST", "/api/users", admin.accessToken(), "{\"email\": null}"), 400, "bad_request");
  }

  @Test
  @DisplayName("a body that is not declared as JSON answers 415")
  void notJson() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var port = gw.node().httpPort();
    for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain"}) {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
          .header("Content-Type", type)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.c\",\"password\":\"x\"}")).build();
      var r = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unsupported_media_type");
    }
  }

  @Test
  @DisplayName("a body over 64 KiB answers 413")
  void oversize() {
    String big = "{\"email\": \"" + "a".repeat(70 * 1024) + "\", \"password\": \"x\"}";
    assertErrorBody(api.raw("POST", "/api/auth/login", null, big), 413, "payload_too_large");
    String justUnder = "{\"email\": \"" + "a".repeat(60 * 1024) + "\", \"password\": \"x\"}";
    assertErrorBody(api.raw("POST", "/api/auth/login", null, justUnder), 400, "bad_request");
  }

  @Test
  @DisplayName("unknown API paths answer 404 and wrong methods 405, both with the error body")
  void unknownPaths() {
    assertErrorBody(api.get("/api/does-not-exist", null), 404, "not_found");
    assertErrorBody(api.get("/api/users/" + admin.userId() + "/nothing", admin.accessToken()), 404, "not_found");
    assertErrorBody(api.raw("PUT", "/api/auth/login", null, "{}"), 405, "method_not_allowed");
  }

  @Test
  @DisplayName("a caller's request id is echoed when safe and replaced when not")
  void requestIds() {
    Api.Response r = api.get("/api/does-not-exist", null);
    assertThat(r.header("X-Request-Id")).hasSizeGreaterThan(8);
    assertThat(r.json().getJsonObject("error").getString("requestId")).isEqualTo(r.header("X-Request-Id"));
  }

  @Test
  @DisplayName("health, readiness, metrics and the OpenAPI description are served")
  void operations() {
    Api.Response health = api.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().getString("status")).isEqualTo("ok");
    Api.Response ready = api.get("/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("database")).isEqualTo("up");
    Api.Response metrics = api.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
    Api.Response openapi = api.get("/api/openapi.yaml", null);
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).startsWith("openapi: 3.1");
  }

  @Test
  @DisplayName("a storm of garbage never produces a 500")
  void neverA500() {
    String[] bodies = {"", "{", "}", "null", "0", "[]", "{\"email\":[],\"password\":{}}", "{\"email\":\"\",\"password\":\"\"}",
        "\u0000\u0001", "{\"email\":\"a@b.c\",\"password\":\"" + "p".repeat(5000) + "\"}", "{\"refreshToken\":true}"};
    String[] paths = {"/api/auth/login", "/api/auth/refresh", "/api/auth/password", "/api/users", "/api/account/tokens"};
    for (String path : paths) {
      for (String body : bodies) {
        for (String token : new String[] {null, admin.accessToken()}) {
          Api.Response r = api.raw("POST", path, token, body);
          assertThat(r.status()).as(path + " " + body).isLessThan(500);
          assertThat(r.json().containsKey("error") || r.status() < 300).isTrue();
        }
      }
    }
  }
}

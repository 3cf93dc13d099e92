package io.keyway.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's cookie session: /api/auth/session, /session/refresh, DELETE /session. */
class SessionRoutesTest {
  @RegisterExtension
  static GatewayExtension gateway = new GatewayExtension();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private String base() {
    return "http://127.0.0.1:" + gateway.gateway().node().httpPort();
  }

  private HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> signIn(TestGateway.Session user) throws Exception {
    return send("POST", "/api/auth/session", Map.of("Content-Type", "application/json"),
        new JsonObject().put("email", user.email()).put("password", user.password()).encode());
  }

  private static String setCookie(HttpResponse<String> r) {
    return r.headers().firstValue("Set-Cookie").orElseThrow();
  }

  private static String cookiePair(HttpResponse<String> r) {
    return setCookie(r).split(";", 2)[0];
  }

  private HttpResponse<String> refresh(String cookie) throws Exception {
    return send("POST", "/api/auth/session/refresh", Map.of("Cookie", cookie, "X-Keyway-Session", "1"), null);
  }

  @Test
  @DisplayName("signing in answers an access token and puts the refresh token only in an HttpOnly, SameSite=Strict cookie")
  void signInSetsCookie() throws Exception {
    TestGateway.Session u = gateway.signedIn("session-a", "a@session-a.test", Role.VIEWER);
    HttpResponse<String> r = signIn(u);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("accessToken")).isNotBlank();
    assertThat(body.containsKey("refreshToken")).isFalse();
    assertThat(setCookie(r)).startsWith("keyway_refresh=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
        .contains("Path=/api/auth/session").containsPattern("Max-Age=\\d+");
    assertThat(gateway.api().get("/api/account/me", body.getString("accessToken")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("the cookie refreshes once, with the anti-forgery header; replaying an old cookie revokes the session")
  void refreshRotatesAndDetectsReuse() throws Exception {
    TestGateway.Session u = gateway.signedIn("session-b", "b@session-b.test", Role.VIEWER);
    String first = cookiePair(signIn(u));
    assertThat(send("POST", "/api/auth/session/refresh", Map.of("Cookie", first), null).statusCode())
        .as("no X-Keyway-Session header").isEqualTo(401);
    assertThat(send("POST", "/api/auth/session/refresh", Map.of("X-Keyway-Session", "1"), null).statusCode())
        .as("no cookie").isEqualTo(401);
    HttpResponse<String> next = refresh(first);
    assertThat(next.statusCode()).isEqualTo(200);
    String second = cookiePair(next);
    assertThat(second).isNotEqualTo(first);
    HttpResponse<String> replay = refresh(first);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(replay.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    assertThat(refresh(second).statusCode()).as("the whole family is revoked").isEqualTo(401);
  }

  @Test
  @DisplayName("signing out clears the cookie and ends the session; bad credentials set no cookie")
  void signOut() throws Exception {
    TestGateway.Session u = gateway.signedIn("session-c", "c@session-c.test", Role.VIEWER);
    HttpResponse<String> in = signIn(u);
    String cookie = cookiePair(in);
    String access = new JsonObject(in.body()).getString("accessToken");
    HttpResponse<String> out = send("DELETE", "/api/auth/session", Map.of("Authorization", "Bearer " + access), null);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(setCookie(out)).startsWith("keyway_refresh=;").contains("Max-Age=0");
    assertThat(refresh(cookie).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = send("POST", "/api/auth/session", Map.of("Content-Type", "application/json"),
        new JsonObject().put("email", u.email()).put("password", "not-the-password").encode());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
  }
}

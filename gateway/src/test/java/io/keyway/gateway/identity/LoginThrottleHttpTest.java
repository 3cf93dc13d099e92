package io.keyway.gateway.identity;

import org.junit.jupiter.api.AfterAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.ConfigKeys;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class LoginThrottleHttpTest {
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("KEYWAY_LOGIN_MAX_FAILURES", "3", "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("repeated failed logins answer 429 with Retry-After, even with the right password")
  void throttled() {
    gw.createUser("thr", "tom@thr.test", Role.OPERATOR, "toms-password-123", false);
    Api api = gw.api();
    for (int i = 0; i < 3; i++) {
      assertThat(api.post("/api/auth/login", null, new JsonObject().put("email", "tom@thr.test").put("password", "wrong-" + i))
          .status()).isEqualTo(401);
    }
    Api.Response r = api.post("/api/auth/login", null, new JsonObject().put("email", "tom@thr.test").put("password", "toms-password-123"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorCode()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 900L);
    // an unknown email is throttled the same way, so throttling reveals nothing either
    for (int i = 0; i < 3; i++) {
      api.post("/api/auth/login", null, new JsonObject().put("email", "ghost@thr.test").put("password", "x"));
    }
    assertThat(api.post("/api/auth/login", null, new JsonObject().put("email", "ghost@thr.test").put("password", "x"))
        .status()).isEqualTo(429);
  }

  @Test
  @DisplayName("failures on one node throttle the email on another node of the same database; the count holds a "
      + "keyed HMAC of the email, and the runtime role cannot read it")
  void acrossNodes() throws Exception {
    gw.createUser("thr2", "ann@thr2.test", Role.OPERATOR, "anns-password-123", false);
    try (TestGateway other = TestGateway.start(gw.database(), Map.of("KEYWAY_LOGIN_MAX_FAILURES", "3",
        "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000", ConfigKeys.NODE_ID, "throttle-b"))) {
      for (int i = 0; i < 3; i++) {
        Api api = i % 2 == 0 ? gw.api() : other.api();
        assertThat(api.post("/api/auth/login", null, new JsonObject().put("email", "ann@thr2.test")
            .put("password", "wrong-" + i)).status()).isEqualTo(401);
      }
      for (TestGateway node : new TestGateway[] {gw, other}) {
        Api.Response r = node.api().post("/api/auth/login", null, new JsonObject().put("email", "ann@thr2.test")
            .put("password", "anns-password-123"));
        assertThat(r.status()).as("the right password, after three failures spread over both nodes").isEqualTo(429);
        // decided failures hold for the window; attempts merely in progress would ask for a second
        assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThan(60);
      }
    }
    byte[] annKey = LoginThrottle.digest(new javax.crypto.spec.SecretKeySpec(LoginThrottle.keyKey(TestPostgres.MASTER_KEY),
        "HmacSHA256"), "e:ann@thr2.test");
    try (Connection c = DatabaseBootstrap.connect(gw.database().admin());
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM identity.login_failures WHERE key = ?")) {
      s.setBytes(1, annKey);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("the three failures, under the email's HMAC").isEqualTo(3);
      }
    }
    try (Connection c = DatabaseBootstrap.connect(gw.database().app()); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM identity.login_failures"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  @DisplayName("wrong passwords sent at once to two nodes: the limit's worth are checked (401), the rest refused (429)")
  void concurrentGuesses() {
    gw.createUser("thr3", "cat@thr3.test", Role.OPERATOR, "cats-password-123", false);
    try (TestGateway other = TestGateway.start(gw.database(), Map.of("KEYWAY_LOGIN_MAX_FAILURES", "3",
        "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000", ConfigKeys.NODE_ID, "throttle-c"))) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int port = (i % 2 == 0 ? gw : other).node().httpPort();
        sent.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", "cat@thr3.test")
                .put("password", "wrong-" + i).encode())).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
      }
      List<Integer> statuses = sent.stream().map(f -> f.join().statusCode()).toList();
      assertThat(statuses).filteredOn(s -> s == 401).hasSize(3);
      assertThat(statuses).filteredOn(s -> s == 429).hasSize(7);
    }
  }

  @Test
  @DisplayName("wrong current passwords on a password change are throttled too: 403 up to the limit, then 429 even "
      + "for the right one")
  void passwordChange() {
    TestGateway.Session dan = gw.signedIn("thr4", "dan@thr4.test", Role.OPERATOR);
    for (int i = 0; i < 3; i++) {
      assertThat(gw.api().post("/api/auth/password", dan.accessToken(), new JsonObject()
          .put("currentPassword", "wrong-password-" + i).put("newPassword", "dans-new-password-1")).status())
          .isEqualTo(403);
    }
    Api.Response r = gw.api().post("/api/auth/password", dan.accessToken(), new JsonObject()
        .put("currentPassword", dan.password()).put("newPassword", "dans-new-password-1"));
    assertThat(r.status()).as(r.toString()).isEqualTo(429);
    assertThat(r.errorCode()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(r.header("Retry-After"))).as("the wrong ones were decided failures").isGreaterThan(60);
  }
}

package io.keyway.gateway.identity;

import org.junit.jupiter.api.AfterAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.ConfigKeys;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
      + "digest of the email, and the runtime role cannot read it")
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
      }
    }
    try (Connection c = DatabaseBootstrap.connect(gw.database().admin()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM identity.login_failures "
            + "WHERE key = sha256(convert_to('e:ann@thr2.test', 'UTF8'))")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(3);
    }
    try (Connection c = DatabaseBootstrap.connect(gw.database().app()); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM identity.login_failures"))
          .hasMessageContaining("permission denied");
    }
  }
}

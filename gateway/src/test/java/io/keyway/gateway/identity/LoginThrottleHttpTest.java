package io.keyway.gateway.identity;

import org.junit.jupiter.api.AfterAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
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
}

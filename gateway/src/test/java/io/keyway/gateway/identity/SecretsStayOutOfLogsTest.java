package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Every secret a scenario handles is searched for in every log line it produced. */
@Timeout(120)
class SecretsStayOutOfLogsTest {

  @Test
  @DisplayName("passwords and tokens never reach a log line, and access lines carry a request id")
  void noSecretInLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    List<String> secrets = new ArrayList<>();
    try (TestGateway gw = TestGateway.start(Map.of("KEYWAY_LOGIN_MAX_FAILURES", "2"))) {
      Api api = gw.api();
      String password = "canary-password-7f3a";
      gw.createUser("logs", "canary@logs.test", Role.ADMIN, password, true);
      secrets.add(password);
      JsonObject login = api.post("/api/auth/login", null,
          new JsonObject().put("email", "canary@logs.test").put("password", password)).json();
      String access = login.getString("accessToken");
      secrets.add(access);
      secrets.add(login.getString("refreshToken"));
      String next = "canary-next-password-91c2";
      secrets.add(next);
      api.post("/api/auth/password", access, new JsonObject().put("currentPassword", password).put("newPassword", next));
      JsonObject refreshed = api.post("/api/auth/refresh", null, new JsonObject().put("refreshToken", login.getString("refreshToken"))).json();
      secrets.add(refreshed.getString("accessToken"));
      secrets.add(refreshed.getString("refreshToken"));
      api.post("/api/auth/refresh", null, new JsonObject().put("refreshToken", login.getString("refreshToken"))); // reuse
      JsonObject fresh = api.post("/api/auth/login", null,
          new JsonObject().put("email", "canary@logs.test").put("password", next)).json();
      String apiToken = api.post("/api/account/tokens", fresh.getString("accessToken"), new JsonObject().put("name", "t"))
          .json().getString("token");
      secrets.add(apiToken);
      api.get("/api/account/me?token=" + apiToken, apiToken);
      String created = "canary-created-password-55";
      secrets.add(created);
      api.post("/api/users", fresh.getString("accessToken"), new JsonObject().put("email", "made@logs.test")
          .put("displayName", "Made").put("role", "viewer").put("password", created));
      String wrong = "canary-wrong-password-00";
      secrets.add(wrong);
      for (int i = 0; i < 3; i++) {
        api.post("/api/auth/login", null, new JsonObject().put("email", "canary@logs.test").put("password", wrong));
      }
      api.raw("POST", "/api/auth/login", null, "{\"email\": \"canary@logs.test\", \"password\": \"" + wrong + "\"");
    } finally {
      root.detachAppender(captured);
    }
    List<String> lines = captured.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).doesNotContain(secret);
        assertThat(line).doesNotContain(secret.substring(secret.length() - 16));
      }
    }
    List<String> access = captured.list.stream().filter(e -> e.getLoggerName().equals("keyway.access"))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(access).isNotEmpty().allMatch(l -> l.matches("^[0-9a-f-]{36} [A-Z]+ /\\S* \\d{3} .*"));
  }
}

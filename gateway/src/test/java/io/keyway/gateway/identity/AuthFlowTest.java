package io.keyway.gateway.identity;

import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class AuthFlowTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of("KEYWAY_LOGIN_MAX_FAILURES", "1000", "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
  private static TestGateway gw() {
    return GATEWAY.gateway();
  }


  private static Api.Response login(String email, String password) {
    return GATEWAY.api().post("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
  }

  @Test
  @DisplayName("a correct login answers both tokens, their lifetime and the reset flag")
  void loginAnswersTokens() {
    gw().createUser("acme", "ann@acme.test", Role.OPERATOR, "ann-password-123", false);
    Api.Response r = login("ann@acme.test", "ann-password-123");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("accessToken")).contains(".");
    assertThat(r.json().getString("refreshToken")).startsWith("kwr_");
    assertThat(r.json().getInteger("expiresIn")).isBetween(1, 900);
    assertThat(r.json().getBoolean("mustResetPassword")).isFalse();
    Api.Response me = GATEWAY.api().get("/api/account/me", r.json().getString("accessToken"));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("email")).isEqualTo("ann@acme.test");
    assertThat(me.json().getString("role")).isEqualTo("operator");
    assertThat(me.json().getJsonObject("tenant").getString("name")).isEqualTo("acme");
    assertThat(me.json().getString("lastLoginAt")).endsWith("Z");
  }

  @Test
  @DisplayName("an unknown email and a wrong password get the same 401")
  void sameAnswerForUnknownEmailAndWrongPassword() {
    gw().createUser("acme", "bob@acme.test", Role.OPERATOR, "bob-password-123", false);
    Api.Response wrong = login("bob@acme.test", "not-his-password");
    Api.Response unknown = login("nobody@acme.test", "not-his-password");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("unauthorized").isEqualTo(unknown.errorCode());
    assertThat(wrong.json().getJsonObject("error").getString("message"))
        .isEqualTo(unknown.json().getJsonObject("error").getString("message"));
  }

  @Test
  @DisplayName("a disabled user cannot log in, and their live tokens stop working at once")
  void disabledUserLockedOut() {
    TestGateway.Session admin = gw().signedIn("acme", "admin-disable@acme.test", Role.ADMIN);
    TestGateway.Session carl = gw().signedIn("acme", "carl@acme.test", Role.OPERATOR);
    assertThat(GATEWAY.api().get("/api/account/me", carl.accessToken()).status()).isEqualTo(200);
    Api.Response patched = GATEWAY.api().patch("/api/users/" + carl.userId(), admin.accessToken(), new JsonObject().put("disabled", true));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getBoolean("disabled")).isTrue();
    assertThat(GATEWAY.api().get("/api/account/me", carl.accessToken()).status()).isEqualTo(401);
    assertThat(login(carl.email(), carl.password()).status()).isEqualTo(401);
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", carl.refreshToken())).status())
        .isEqualTo(401);
  }

  @Test
  @DisplayName("a forced reset blocks every endpoint but auth until the password is changed")
  void forcedPasswordReset() {
    gw().createUser("acme", "dora@acme.test", Role.ADMIN, "first-password-123", true);
    Api.Response r = login("dora@acme.test", "first-password-123");
    assertThat(r.json().getBoolean("mustResetPassword")).isTrue();
    String token = r.json().getString("accessToken");
    for (String path : new String[] {"/api/account/me", "/api/users", "/api/account/tokens"}) {
      Api.Response blocked = GATEWAY.api().get(path, token);
      assertThat(blocked.status()).as(path).isEqualTo(403);
      assertThat(blocked.errorCode()).isEqualTo("password_reset_required");
    }
    Api.Response wrongCurrent = GATEWAY.api().post("/api/auth/password", token,
        new JsonObject().put("currentPassword", "not-the-password").put("newPassword", "second-password-123"));
    assertThat(wrongCurrent.status()).isEqualTo(403);
    Api.Response tooShort = GATEWAY.api().post("/api/auth/password", token,
        new JsonObject().put("currentPassword", "first-password-123").put("newPassword", "short"));
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.json().getJsonObject("error").getString("field")).isEqualTo("newPassword");
    Api.Response changed = GATEWAY.api().post("/api/auth/password", token,
        new JsonObject().put("currentPassword", "first-password-123").put("newPassword", "second-password-123"));
    assertThat(changed.status()).isEqualTo(204);
    assertThat(GATEWAY.api().get("/api/account/me", token).status()).isEqualTo(200);
    assertThat(login("dora@acme.test", "first-password-123").status()).isEqualTo(401);
    assertThat(login("dora@acme.test", "second-password-123").json().getBoolean("mustResetPassword")).isFalse();
  }

  @Test
  @DisplayName("a password change signs out the user's other sessions")
  void passwordChangeRevokesOtherSessions() {
    TestGateway.Session one = gw().signedIn("acme", "erin@acme.test", Role.VIEWER);
    Api.Response other = login(one.email(), one.password());
    String otherAccess = other.json().getString("accessToken");
    assertThat(GATEWAY.api().post("/api/auth/password", one.accessToken(), new JsonObject()
        .put("currentPassword", one.password()).put("newPassword", "erins-new-password")).status()).isEqualTo(204);
    assertThat(GATEWAY.api().get("/api/account/me", one.accessToken()).status()).isEqualTo(200);
    assertThat(GATEWAY.api().get("/api/account/me", otherAccess).status()).isEqualTo(401);
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", other.json().getString("refreshToken")))
        .status()).isEqualTo(401);
  }

  @Test
  @DisplayName("refresh rotates the pair; a refresh token used twice revokes its whole family")
  void refreshRotationAndReuse() {
    TestGateway.Session s = gw().signedIn("acme", "fay@acme.test", Role.OPERATOR);
    Api.Response first = GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", s.refreshToken()));
    assertThat(first.status()).isEqualTo(200);
    String rotated = first.json().getString("refreshToken");
    String newAccess = first.json().getString("accessToken");
    assertThat(rotated).isNotEqualTo(s.refreshToken());
    assertThat(GATEWAY.api().get("/api/account/me", newAccess).status()).isEqualTo(200);

    Api.Response reuse = GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", s.refreshToken()));
    assertThat(reuse.status()).isEqualTo(401);
    // the whole family is gone: the rotated token and every access token of the session
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", rotated)).status()).isEqualTo(401);
    assertThat(GATEWAY.api().get("/api/account/me", newAccess).status()).isEqualTo(401);
    assertThat(GATEWAY.api().get("/api/account/me", s.accessToken()).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("logout revokes the refresh family and the session's access tokens")
  void logout() {
    TestGateway.Session s = gw().signedIn("acme", "gil@acme.test", Role.OPERATOR);
    assertThat(GATEWAY.api().post("/api/auth/logout", s.accessToken(), null).status()).isEqualTo(204);
    assertThat(GATEWAY.api().get("/api/account/me", s.accessToken()).status()).isEqualTo(401);
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", s.refreshToken())).status())
        .isEqualTo(401);
    assertThat(GATEWAY.api().post("/api/auth/logout", null, null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("refresh tokens are never bearer tokens, and bearer tokens are never refresh tokens")
  void tokensStayInTheirPlace() {
    TestGateway.Session s = gw().signedIn("acme", "hal@acme.test", Role.OPERATOR);
    Api.Response asBearer = GATEWAY.api().get("/api/account/me", s.refreshToken());
    assertThat(asBearer.status()).isEqualTo(401);
    assertThat(asBearer.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", s.accessToken())).status())
        .isEqualTo(401);
    String apiToken = GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", "bot"))
        .json().getString("token");
    assertThat(GATEWAY.api().post("/api/auth/refresh", null, new JsonObject().put("refreshToken", apiToken)).status())
        .isEqualTo(401);
    assertThat(GATEWAY.api().getWithAuthorization("/api/account/me", "Basic " + s.accessToken()).status()).isEqualTo(401);
    assertThat(GATEWAY.api().getWithAuthorization("/api/account/me", null).status()).isEqualTo(401);
    assertThat(GATEWAY.api().getWithAuthorization("/api/account/me", "Bearer ").status()).isEqualTo(401);
  }
}

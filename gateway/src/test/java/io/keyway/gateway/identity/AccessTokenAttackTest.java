package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forged and doctored access tokens. Each forgery starts from the claims of a real token and is
 * signed with the real secret unless the test is about the signature, so the only thing wrong
 * with it is the thing the test names; a control proves an untouched re-signed token passes.
 */
@Timeout(120)
class AccessTokenAttackTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static TestGateway gw;
  private static Api api;
  private static JsonObject realClaims;

  @BeforeAll
  static void start() {
    gw = GATEWAY.gateway();
    api = gw.api();
    TestGateway.Session s = gw.signedIn("acme", "ivy@acme.test", Role.OPERATOR);
    String payload = s.accessToken().split("\\.")[1];
    realClaims = new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  private static String sign(String alg, JsonObject claims, String secret) {
    String header = B64.encodeToString(new JsonObject().put("typ", "JWT").put("alg", alg).encode().getBytes(StandardCharsets.UTF_8));
    String body = B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    String input = header + "." + body;
    if (alg.equals("none")) {
      return input + ".";
    }
    try {
      String javaAlg = alg.equals("HS512") ? "HmacSHA512" : "HmacSHA256";
      Mac mac = Mac.getInstance(javaAlg);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), javaAlg));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String doctored(Consumer<JsonObject> change) {
    JsonObject claims = realClaims.copy();
    change.accept(claims);
    return sign("HS256", claims, TestGateway.JWT_SECRET);
  }

  private static int status(String token) {
    return api.get("/api/account/me", token).status();
  }

  @Test
  @DisplayName("control: the real claims re-signed with the real key are accepted")
  void controlAccepted() {
    assertThat(status(doctored(c -> { }))).isEqualTo(200);
  }

  @Test
  @DisplayName("alg none is refused")
  void algNone() {
    assertThat(status(sign("none", realClaims, TestGateway.JWT_SECRET))).isEqualTo(401);
  }

  @Test
  @DisplayName("another algorithm with the right key is refused (HS256 is pinned)")
  void otherAlgorithm() {
    assertThat(status(sign("HS512", realClaims, TestGateway.JWT_SECRET))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token signed with another key is refused")
  void otherKey() {
    assertThat(status(sign("HS256", realClaims, "another-secret-that-is-also-32-bytes-long"))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token without exp is refused")
  void missingExp() {
    assertThat(status(doctored(c -> c.remove("exp")))).isEqualTo(401);
  }

  @Test
  @DisplayName("an expired token is refused")
  void pastExp() {
    long past = System.currentTimeMillis() / 1000 - 3600;
    assertThat(status(doctored(c -> c.put("exp", past).put("iat", past - 900)))).isEqualTo(401);
  }

  @Test
  @DisplayName("a wrong or missing audience is refused")
  void wrongAudience() {
    assertThat(status(doctored(c -> c.put("aud", "someone-else")))).isEqualTo(401);
    assertThat(status(doctored(c -> c.remove("aud")))).isEqualTo(401);
  }

  @Test
  @DisplayName("a wrong or missing issuer is refused")
  void wrongIssuer() {
    assertThat(status(doctored(c -> c.put("iss", "evil")))).isEqualTo(401);
    assertThat(status(doctored(c -> c.remove("iss")))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token without jti is refused")
  void missingJti() {
    assertThat(status(doctored(c -> c.remove("jti")))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token of another type is refused")
  void wrongType() {
    assertThat(status(doctored(c -> c.put("typ", "refresh")))).isEqualTo(401);
    assertThat(status(doctored(c -> c.remove("typ")))).isEqualTo(401);
  }

  @Test
  @DisplayName("a token naming another tenant than its user's is refused")
  void tenantSwap() {
    assertThat(status(doctored(c -> c.put("tid", java.util.UUID.randomUUID().toString())))).isEqualTo(401);
    assertThat(status(doctored(c -> c.put("sub", "not-a-uuid")))).isEqualTo(401);
  }

  @Test
  @DisplayName("garbage in the bearer slot is a 401, never a 500")
  void garbage() {
    for (String junk : new String[] {"abc", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30.", "kwt_x", "kwr_" + "A".repeat(66)}) {
      assertThat(status(junk)).as(junk).isEqualTo(401);
    }
  }
}

package io.keyway.gateway.identity;

import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ApiTokenTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static TestGateway gw() {
    return GATEWAY.gateway();
  }


  @Test
  @DisplayName("an API token is shown once, acts as its owner, is listed without its secret, and records its use")
  void lifecycle() {
    TestGateway.Session s = gw().signedIn("acme", "jon@acme.test", Role.OPERATOR);
    Api.Response created = GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", "claude"));
    assertThat(created.status()).isEqualTo(201);
    String token = created.json().getString("token");
    assertThat(token).startsWith("kwt_");
    assertThat(created.json().getString("name")).isEqualTo("claude");

    Api.Response me = GATEWAY.api().get("/api/account/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("id")).isEqualTo(s.userId());

    Api.Response list = GATEWAY.api().get("/api/account/tokens", s.accessToken());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.array()).hasSize(1);
    JsonObject item = list.array().getJsonObject(0);
    assertThat(item.fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "createdAt", "lastUsedAt");
    // the secret is the token's last 43 characters (base64url, which may itself hold '_', so cut by position)
    assertThat(list.body()).doesNotContain(token).doesNotContain(token.substring(token.length() - 43));
    TestGateway.eventually(5_000, () -> GATEWAY.api().get("/api/account/tokens", s.accessToken()).array()
        .getJsonObject(0).getString("lastUsedAt") != null);
  }

  @Test
  @DisplayName("a revoked API token stops working at once")
  void revocation() {
    TestGateway.Session s = gw().signedIn("acme", "kim@acme.test", Role.OPERATOR);
    JsonObject created = GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", "agent")).json();
    String token = created.getString("token");
    assertThat(GATEWAY.api().get("/api/account/me", token).status()).isEqualTo(200); // now cached
    assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), s.accessToken()).status()).isEqualTo(204);
    Api.Response after = GATEWAY.api().get("/api/account/me", token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.errorCode()).isEqualTo("unauthorized");
    assertThat(GATEWAY.api().get("/api/account/tokens", s.accessToken()).array()).isEmpty();
    assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), s.accessToken()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("an API token cannot mint or revoke API tokens")
  void tokensCannotManageTokens() {
    TestGateway.Session s = gw().signedIn("acme", "lea@acme.test", Role.ADMIN);
    JsonObject created = GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", "a")).json();
    String token = created.getString("token");
    assertThat(GATEWAY.api().post("/api/account/tokens", token, new JsonObject().put("name", "b")).status()).isEqualTo(403);
    assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), token).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("an API token never acts above its owner: a demoted owner's token is demoted too")
  void tokenFollowsOwnerDemotion() {
    TestGateway.Session boss = gw().signedIn("acme", "max@acme.test", Role.ADMIN);
    TestGateway.Session other = gw().signedIn("acme", "ned@acme.test", Role.ADMIN);
    String token = GATEWAY.api().post("/api/account/tokens", other.accessToken(), new JsonObject().put("name", "ops")).json()
        .getString("token");
    assertThat(GATEWAY.api().get("/api/users", token).status()).isEqualTo(200);
    assertThat(GATEWAY.api().patch("/api/users/" + other.userId(), boss.accessToken(), new JsonObject().put("role", "viewer"))
        .status()).isEqualTo(200);
    assertThat(GATEWAY.api().get("/api/users", token).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("one user cannot revoke another user's token: 404, same tenant or not")
  void foreignTokenIsNotFound() {
    TestGateway.Session owner = gw().signedIn("acme", "ola@acme.test", Role.OPERATOR);
    TestGateway.Session sameTenant = gw().signedIn("acme", "pat@acme.test", Role.ADMIN);
    TestGateway.Session otherTenant = gw().signedIn("globex", "quin@globex.test", Role.ADMIN);
    JsonObject created = GATEWAY.api().post("/api/account/tokens", owner.accessToken(), new JsonObject().put("name", "x")).json();
    assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), sameTenant.accessToken()).status()).isEqualTo(404);
    assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), otherTenant.accessToken()).status()).isEqualTo(404);
    assertThat(GATEWAY.api().get("/api/account/me", created.getString("token")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("token names are validated")
  void nameValidation() {
    TestGateway.Session s = gw().signedIn("acme", "rae@acme.test", Role.VIEWER);
    Api.Response r = GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", ""));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("name");
    assertThat(GATEWAY.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", 7)).status()).isEqualTo(400);
  }
}

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
class UserAdminTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static TestGateway gw() {
    return GATEWAY.gateway();
  }


  @Test
  @DisplayName("an admin creates, reads, lists, changes and deletes users of their tenant")
  void crud() {
    TestGateway.Session admin = gw().signedIn("crud", "admin@crud.test", Role.ADMIN);
    Api.Response created = GATEWAY.api().post("/api/users", admin.accessToken(), new JsonObject()
        .put("email", "Sue@Crud.test").put("displayName", "Sue").put("role", "operator"));
    assertThat(created.status()).isEqualTo(201);
    JsonObject sue = created.json();
    assertThat(sue.getString("email")).isEqualTo("sue@crud.test");
    assertThat(sue.getBoolean("mustResetPassword")).isTrue();
    String initial = sue.getString("initialPassword");
    assertThat(initial).hasSizeGreaterThanOrEqualTo(12);
    String id = sue.getString("id");

    Api.Response login = GATEWAY.api().post("/api/auth/login", null, new JsonObject().put("email", "sue@crud.test").put("password", initial));
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getBoolean("mustResetPassword")).isTrue();

    assertThat(GATEWAY.api().get("/api/users/" + id, admin.accessToken()).json().containsKey("initialPassword")).isFalse();
    assertThat(GATEWAY.api().get("/api/users", admin.accessToken()).array().stream()
        .map(o -> ((JsonObject) o).getString("email"))).contains("sue@crud.test", "admin@crud.test");

    Api.Response patched = GATEWAY.api().patch("/api/users/" + id, admin.accessToken(),
        new JsonObject().put("role", "viewer").put("displayName", "Sue V."));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getString("role")).isEqualTo("viewer");
    assertThat(patched.json().getString("displayName")).isEqualTo("Sue V.");

    assertThat(GATEWAY.api().delete("/api/users/" + id, admin.accessToken()).status()).isEqualTo(204);
    assertThat(GATEWAY.api().get("/api/users/" + id, admin.accessToken()).status()).isEqualTo(404);
    assertThat(GATEWAY.api().post("/api/auth/login", null, new JsonObject().put("email", "sue@crud.test").put("password", initial))
        .status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a second user with the same email is a conflict")
  void duplicateEmail() {
    TestGateway.Session admin = gw().signedIn("dup", "admin@dup.test", Role.ADMIN);
    JsonObject body = new JsonObject().put("email", "twin@dup.test").put("displayName", "Twin").put("role", "viewer")
        .put("password", "twin-password-1");
    assertThat(GATEWAY.api().post("/api/users", admin.accessToken(), body).status()).isEqualTo(201);
    Api.Response again = GATEWAY.api().post("/api/users", admin.accessToken(), body.copy().put("email", "TWIN@dup.test"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
  }

  @Test
  @DisplayName("the last admin can be neither demoted, disabled nor deleted; nobody deletes or disables themselves")
  void lastAdminAndSelfRules() {
    TestGateway.Session only = gw().signedIn("solo", "only@solo.test", Role.ADMIN);
    Api.Response demote = GATEWAY.api().patch("/api/users/" + only.userId(), only.accessToken(), new JsonObject().put("role", "operator"));
    assertThat(demote.status()).isEqualTo(409);
    assertThat(demote.errorCode()).isEqualTo("conflict");
    assertThat(GATEWAY.api().patch("/api/users/" + only.userId(), only.accessToken(), new JsonObject().put("disabled", true))
        .status()).isEqualTo(409);
    assertThat(GATEWAY.api().delete("/api/users/" + only.userId(), only.accessToken()).status()).isEqualTo(409);

    TestGateway.Session second = gw().signedIn("solo", "second@solo.test", Role.ADMIN);
    // two admins: either may demote the other, but then the survivor is the last one
    assertThat(GATEWAY.api().patch("/api/users/" + second.userId(), only.accessToken(), new JsonObject().put("role", "operator"))
        .status()).isEqualTo(200);
    assertThat(GATEWAY.api().patch("/api/users/" + only.userId(), only.accessToken(), new JsonObject().put("role", "viewer"))
        .status()).isEqualTo(409);
    assertThat(GATEWAY.api().patch("/api/users/" + second.userId(), only.accessToken(), new JsonObject().put("role", "admin"))
        .status()).isEqualTo(200);
    // self-delete is refused even when another admin remains
    assertThat(GATEWAY.api().delete("/api/users/" + only.userId(), only.accessToken()).status()).isEqualTo(409);
    assertThat(GATEWAY.api().delete("/api/users/" + only.userId(), second.accessToken()).status()).isEqualTo(204);
    assertThat(GATEWAY.api().delete("/api/users/" + second.userId(), second.accessToken()).status()).isEqualTo(409);
  }

  @Test
  @DisplayName("operators and viewers may not administer users")
  void rolesEnforced() {
    TestGateway.Session op = gw().signedIn("roles", "op@roles.test", Role.OPERATOR);
    TestGateway.Session viewer = gw().signedIn("roles", "viewer@roles.test", Role.VIEWER);
    for (TestGateway.Session s : new TestGateway.Session[] {op, viewer}) {
      Api.Response r = GATEWAY.api().get("/api/users", s.accessToken());
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo("forbidden");
      assertThat(GATEWAY.api().post("/api/users", s.accessToken(), new JsonObject().put("email", "x@roles.test")
          .put("displayName", "x").put("role", "admin")).status()).isEqualTo(403);
      assertThat(GATEWAY.api().patch("/api/users/" + s.userId(), s.accessToken(), new JsonObject().put("role", "admin")).status())
          .isEqualTo(403);
    }
  }

  @Test
  @DisplayName("bad user input answers 400 naming the field")
  void validation() {
    TestGateway.Session admin = gw().signedIn("val", "admin@val.test", Role.ADMIN);
    record Case(JsonObject body, String field) {}
    Case[] cases = {
        new Case(new JsonObject().put("email", "not-an-email").put("displayName", "x").put("role", "viewer"), "email"),
        new Case(new JsonObject().put("email", "a@val.test").put("displayName", "").put("role", "viewer"), "displayName"),
        new Case(new JsonObject().put("email", "a@val.test").put("displayName", "x").put("role", "root"), "role"),
        new Case(new JsonObject().put("email", "a@val.test").put("displayName", "x").put("role", "viewer").put("password", "short"), "password"),
        new Case(new JsonObject().put("email", "a@val.test").put("displayName", "x").put("role", "viewer").put("mustResetPassword", "yes"), "mustResetPassword"),
        new Case(new JsonObject().put("displayName", "x").put("role", "viewer"), "email"),
    };
    for (Case c : cases) {
      Api.Response r = GATEWAY.api().post("/api/users", admin.accessToken(), c.body());
      assertThat(r.status()).as(c.field()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo(c.field());
    }
    assertThat(GATEWAY.api().patch("/api/users/" + admin.userId(), admin.accessToken(), new JsonObject().put("disabled", "no"))
        .json().getJsonObject("error").getString("field")).isEqualTo("disabled");
    assertThat(GATEWAY.api().get("/api/users/not-a-uuid", admin.accessToken()).status()).isEqualTo(404);
  }
}

package io.keyway.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class TradingAccountApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static Api api;
  private static TestGateway.Session admin;
  private static TestGateway.Session owner;
  private static TestGateway.Session other;
  private static TestGateway.Session bAdmin;

  @BeforeAll
  static void users() {
    api = GATEWAY.api();
    admin = GATEWAY.signedIn("acc", "admin@acc.test", Role.ADMIN);
    owner = GATEWAY.signedIn("acc", "owner@acc.test", Role.OPERATOR);
    other = GATEWAY.signedIn("acc", "other@acc.test", Role.OPERATOR);
    bAdmin = GATEWAY.signedIn("acc-b", "admin@acc-b.test", Role.ADMIN);
  }

  private static JsonObject create(String name, String ownerId) {
    Api.Response r = api.post("/api/accounts", admin.accessToken(), TradingAccountFixtures.simAccount(name, ownerId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static List<String> names(TestGateway.Session s) {
    return api.get("/api/accounts", s.accessToken()).array().stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  @DisplayName("an admin assigns an account to a user; the owner sees it, other users and other tenants do not (404)")
  void assignAndSee() {
    JsonObject a = create("owner-sim", owner.userId());
    assertThat(a.getString("ownerUserId")).isEqualTo(owner.userId());
    assertThat(a.getJsonObject("risk").getString("maxOrderUsd")).isEqualTo("1000.00");
    assertThat(names(owner)).contains("owner-sim");
    assertThat(names(other)).doesNotContain("owner-sim");
    assertThat(names(bAdmin)).doesNotContain("owner-sim");
    assertThat(names(admin)).contains("owner-sim");
    JsonObject summary = api.get("/api/accounts", owner.accessToken()).array().getJsonObject(0);
    assertThat(summary.fieldNames()).containsExactlyInAnyOrder("id", "name", "kind", "venue", "status", "ownerUserId", "isPublic");
    assertThat(api.get("/api/accounts/" + a.getString("id"), owner.accessToken()).status()).isEqualTo(200);
    for (TestGateway.Session s : List.of(other, bAdmin)) {
      assertThat(api.get("/api/accounts/" + a.getString("id"), s.accessToken()).status()).isEqualTo(404);
      assertThat(api.patch("/api/accounts/" + a.getString("id"), s.accessToken(), new JsonObject().put("name", "x"))
          .status()).isIn(403, 404);
    }
    assertThat(api.patch("/api/accounts/" + a.getString("id"), bAdmin.accessToken(), new JsonObject().put("name", "x"))
        .status()).isEqualTo(404);
  }

  @Test
  @DisplayName("changes apply field by field; a null owner unassigns; strategy parameters are checked against the type")
  void patch() {
    JsonObject a = create("patchable", owner.userId());
    String id = a.getString("id");
    Api.Response r = api.patch("/api/accounts/" + id, admin.accessToken(), new JsonObject()
        .put("risk", new JsonObject().put("maxOrderUsd", "250")).put("isPublic", true));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonObject("risk").getString("maxOrderUsd")).isEqualTo("250.00");
    assertThat(r.json().getJsonObject("risk").getString("dailyCapUsd")).isEqualTo("5000.00");
    assertThat(r.json().getBoolean("isPublic")).isTrue();
    Api.Response unowned = api.patch("/api/accounts/" + id, admin.accessToken(), new JsonObject().putNull("ownerUserId"));
    assertThat(unowned.json().getString("ownerUserId")).isNull();
    assertThat(names(owner)).doesNotContain("patchable");
    Api.Response badParams = api.patch("/api/accounts/" + id, admin.accessToken(), new JsonObject()
        .put("strategy", new JsonObject().put("type", "dca").put("params", new JsonObject().put("symbol", "AAPL"))));
    assertThat(badParams.status()).isEqualTo(400);
    assertThat(badParams.json().getJsonObject("error").getString("field")).startsWith("strategy.params.");
  }

  @Test
  @DisplayName("validation names the field; a foreign owner is refused; names are unique; only admins create")
  void validation() {
    JsonObject good = TradingAccountFixtures.simAccount("valid", owner.userId());
    record Case(JsonObject body, String field) {}
    for (Case c : new Case[] {
        new Case(good.copy().put("venue", "nyse"), "venue"),
        new Case(good.copy().put("kind", "demo"), "kind"),
        new Case(good.copy().put("name", ""), "name"),
        new Case(good.copy().put("credentialLabel", "Main Key"), "credentialLabel"),
        new Case(good.copy().put("ownerUserId", "nobody"), "ownerUserId"),
        new Case(good.copy().put("risk", new JsonObject().put("maxOrderUsd", 100).put("dailyCapUsd", "1").put("allowLive", false)), "risk.maxOrderUsd"),
        new Case(good.copy().put("strategy", new JsonObject().put("type", "yolo").put("params", new JsonObject())), "strategy.type"),
        new Case(good.copy().put("isPublic", "yes"), "isPublic")}) {
      Api.Response r = api.post("/api/accounts", admin.accessToken(), c.body());
      assertThat(r.status()).as(c.field() + " " + r).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo(c.field());
    }
    Api.Response foreignOwner = api.post("/api/accounts", admin.accessToken(),
        TradingAccountFixtures.simAccount("foreign", bAdmin.userId()));
    assertThat(foreignOwner.status()).isEqualTo(422);
    create("unique-name", owner.userId());
    assertThat(api.post("/api/accounts", admin.accessToken(), TradingAccountFixtures.simAccount("unique-name", null))
        .status()).isEqualTo(409);
    assertThat(api.post("/api/accounts", owner.accessToken(), TradingAccountFixtures.simAccount("mine", owner.userId()))
        .status()).isEqualTo(403);
    assertThat(api.get("/api/accounts/" + UUID.randomUUID(), admin.accessToken()).status()).isEqualTo(404);
  }
}

package io.keyway.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Approvals expire on their own timer: with ticks a minute apart, and on a halted account too. */
@Timeout(120)
class ApprovalExpiryTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of(
      "KEYWAY_ENGINE_TICK_MILLIS", "60000", "KEYWAY_APPROVAL_TTL", "10"));

  @Test
  @DisplayName("approvals expire on time without any tick, on an active and on a halted account, each on the ledger")
  void expireWithoutTicks() {
    Api api = GATEWAY.api();
    TestGateway.Session admin = GATEWAY.signedIn("exp", "admin@exp.test", Role.ADMIN);
    TestGateway.Session dora = GATEWAY.signedIn("exp", "dora@exp.test", Role.OPERATOR);
    TestGateway.Session outsider = GATEWAY.signedIn("exp-b", "admin@exp-b.test", Role.ADMIN);
    String active = liveAccount(api, admin, dora, "dora-active");
    String halted = liveAccount(api, admin, dora, "dora-halted");
    String activeOrder = awaitingOrder(dora, active);
    String haltedOrder = awaitingOrder(dora, halted);
    assertThat(api.post("/api/accounts/" + halted + "/mode", dora.accessToken(), new JsonObject().put("status", "halted"))
        .json().getString("status")).isEqualTo("halted");

    TestGateway.eventually(40_000, () -> "expired".equals(statusOf(api, dora, active, activeOrder))
        && "expired".equals(statusOf(api, dora, halted, haltedOrder)));
    // no engine ticked: the first tick is a minute after the engine started
    assertThat(ticksOf(active)).isZero();
    assertThat(ticksOf(halted)).isZero();
    // the order's status is committed first, its ledger entry right after: wait for both entries
    for (String account : List.of(active, halted)) {
      TestGateway.eventually(10_000, () -> approvalKinds(api, admin, account).size() == 2);
      assertThat(approvalKinds(api, admin, account)).as(account).containsExactly("approval.expired", "approval.requested");
    }
    assertThat(api.get("/api/approvals?status=expired", dora.accessToken()).array()).hasSize(2);
    assertThat(api.get("/api/approvals?status=expired", outsider.accessToken()).array()).isEmpty();
    assertThat(api.get("/api/accounts/" + active + "/orders", outsider.accessToken()).status()).isEqualTo(404);
  }

  private static List<String> approvalKinds(Api api, TestGateway.Session admin, String account) {
    return api.get("/api/ledger/entries?kind=approval.*&accountId=" + account, admin.accessToken()).json()
        .getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("kind")).toList();
  }

  private static String liveAccount(Api api, TestGateway.Session admin, TestGateway.Session owner, String name) {
    JsonObject body = TradingAccountFixtures.simAccount(name, owner.userId()).put("kind", "live");
    body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "0.01").put("sellAbove", "1000000");
    body.getJsonObject("risk").put("allowLive", true).put("approvalOverUsd", "50");
    Api.Response created = api.post("/api/accounts", admin.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    flow(admin, new JsonObject().put("type", "deposit").put("userId", owner.userId()).put("amount", "1000"));
    flow(admin, new JsonObject().put("type", "allocate").put("userId", owner.userId()).put("accountId", id).put("amount", "1000"));
    return id;
  }

  private static String awaitingOrder(TestGateway.Session owner, String accountId) {
    Api.Response placed = post(owner, "/api/accounts/" + accountId + "/orders", new JsonObject().put("symbol", "AAPL")
        .put("side", "buy").put("qty", "1").put("type", "market").put("confirmLive", true), null);
    assertThat(placed.status()).as(placed.toString()).isEqualTo(202);
    assertThat(placed.json().getString("status")).isEqualTo("awaiting_approval");
    return placed.json().getString("id");
  }

  private static String statusOf(Api api, TestGateway.Session s, String accountId, String orderId) {
    return api.get("/api/accounts/" + accountId + "/orders", s.accessToken()).json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(o -> o.getString("id").equals(orderId)).findFirst().orElseThrow().getString("status");
  }

  private static long ticksOf(String accountId) {
    return EngineProbe.ticks(GATEWAY.gateway(), accountId);
  }

  private static void flow(TestGateway.Session admin, JsonObject body) {
    Api.Response r = post(admin, "/api/capital-flows", body.put("currency", "USD"), UUID.randomUUID().toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private static Api.Response post(TestGateway.Session s, String path, JsonObject body, String key) {
    return EngineProbe.post(GATEWAY.gateway(), s, path, body, key);
  }

}

package io.keyway.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.engine.StreamAddresses;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

@Timeout(180)
class EngineApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of("KEYWAY_ENGINE_TICK_MILLIS", "200"));
  private static Api api;
  private static TestGateway.Session admin;
  private static TestGateway.Session alice;
  private static TestGateway.Session bob;
  private static TestGateway.Session stranger;

  @BeforeAll
  static void users() {
    api = GATEWAY.api();
    admin = GATEWAY.signedIn("eng", "admin@eng.test", Role.ADMIN);
    alice = GATEWAY.signedIn("eng", "alice@eng.test", Role.OPERATOR);
    bob = GATEWAY.signedIn("eng", "bob@eng.test", Role.OPERATOR);
    stranger = GATEWAY.signedIn("eng-b", "admin@eng-b.test", Role.ADMIN);
  }

  /** An account that never trades by itself (levels it will not reach), funded with {@code cash} USD. */
  private static String fundedAccount(String name, String ownerId, String cash, JsonObject changes) {
    JsonObject body = TradingAccountFixtures.simAccount(name, ownerId);
    body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "0.01").put("sellAbove", "1000000");
    body.mergeIn(changes, true);
    Api.Response created = api.post("/api/accounts", admin.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    if (ownerId != null && cash != null) {
      flow("deposit", ownerId, null, cash);
      flow("allocate", ownerId, id, cash);
    }
    return id;
  }

  private static void flow(String type, String userId, String accountId, String amount) {
    var b = new JsonObject().put("type", type).put("userId", userId).put("amount", amount).put("currency", "USD");
    if (accountId != null) {
      b.put("accountId", accountId);
    }
    Api.Response r = EngineProbe.post(GATEWAY.gateway(), admin, "/api/capital-flows", b, UUID.randomUUID().toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private static JsonObject order(String symbol, String side, String qty) {
    return new JsonObject().put("symbol", symbol).put("side", side).put("qty", qty).put("type", "market");
  }

  private static List<JsonObject> orders(TestGateway.Session s, String accountId) {
    Api.Response r = api.get("/api/accounts/" + accountId + "/orders", s.accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  private static void awaitStatus(TestGateway.Session s, String accountId, String orderId, String status) {
    try {
      TestGateway.eventually(30_000, () -> status.equals(statusOf(s, accountId, orderId)));
    } catch (AssertionError e) {
      throw new AssertionError("order " + orderId + " never became " + status + ": " + orders(s, accountId), e);
    }
  }

  private static String statusOf(TestGateway.Session s, String accountId, String orderId) {
    return orders(s, accountId).stream().filter(o -> o.getString("id").equals(orderId)).findFirst().orElseThrow()
        .getString("status");
  }

  @Test
  @DisplayName("an account without an owner trades nothing: it logs the warning, turns degraded, places no order")
  void noOwnerNoTrading() {
    Logger log = (Logger) LoggerFactory.getLogger("io.keyway.engine.AccountEngine");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      JsonObject body = TradingAccountFixtures.simAccount("orphan", null);
      body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "1000000").put("sellAbove", "2000000");
      String id = api.post("/api/accounts", admin.accessToken(), body).json().getString("id");
      TestGateway.eventually(30_000, () -> seen.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
          && e.getFormattedMessage().equals("WARNING no credentials for account " + id)));
      TestGateway.eventually(30_000, () -> "degraded".equals(api.get("/api/accounts/" + id, admin.accessToken()).json()
          .getString("status")));
      assertThat(orders(admin, id)).isEmpty();
      Api.Response manual = api.post("/api/accounts/" + id + "/orders", admin.accessToken(), order("AAPL", "buy", "1"));
      assertThat(manual.status()).isEqualTo(422);
      assertThat(orders(admin, id)).isEmpty();
    } finally {
      log.detachAppender(seen);
    }
  }

  @Test
  @DisplayName("an owned, funded sim account's strategy trades with no one's keys but the owner's say-so, and books its fills")
  void ownedSimStrategyTrades() {
    String id = fundedAccount("alice-dca", alice.userId(), "5000", new JsonObject().put("strategy", new JsonObject()
        .put("type", "dca").put("params", new JsonObject().put("symbol", "AAPL").put("notional", "200").put("everySeconds", 3600))));
    try {
      TestGateway.eventually(30_000, () -> orders(alice, id).stream().anyMatch(o -> "filled".equals(o.getString("status"))));
    } catch (AssertionError e) {
      throw new AssertionError("no filled strategy order: " + orders(alice, id) + " "
          + api.get("/api/accounts/" + id, admin.accessToken()).body(), e);
    }
    JsonArray positions = api.get("/api/accounts/" + id + "/positions", alice.accessToken()).array();
    assertThat(positions).hasSize(1);
    assertThat(positions.getJsonObject(0).getString("symbol")).isEqualTo("AAPL");
    JsonObject balance = api.get("/api/accounts/" + id + "/balance", alice.accessToken()).json();
    assertThat(new java.math.BigDecimal(balance.getString("cash"))).isLessThan(new java.math.BigDecimal("5000"));
    assertThat(balance.fieldNames()).contains("accountId", "currency", "cash", "positionsValue", "equity", "allocated", "seq", "asOf");
    List<JsonObject> fills = api.get("/api/ledger/entries?kind=order.fill&accountId=" + id, admin.accessToken()).json()
        .getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
    assertThat(fills).isNotEmpty();
    assertThat(fills.get(0).getJsonObject("payload").getJsonArray("postings")).hasSize(2);
  }

  @Test
  @DisplayName("a manual order is accepted (202), filled, and an Idempotency-Key repeat answers the same order")
  void manualOrder() {
    String id = fundedAccount("alice-manual", alice.userId(), "3000", new JsonObject());
    Api.Response placed = postOrder(alice, id, order("AAPL", "buy", "2"), "k-1");
    assertThat(placed.status()).as(placed.toString()).isEqualTo(202);
    String orderId = placed.json().getString("id");
    assertThat(postOrder(alice, id, order("AAPL", "buy", "2"), "k-1").json().getString("id")).isEqualTo(orderId);
    awaitStatus(alice, id, orderId, "filled");
    assertThat(orders(alice, id)).hasSize(1);
    Api.Response otherBody = postOrder(alice, id, order("AAPL", "buy", "3"), "k-1");
    assertThat(otherBody.status()).isEqualTo(409);
    assertThat(otherBody.errorCode()).isEqualTo("idempotency_conflict");
    Api.Response first = postOrder(alice, id, order("AAPL", "buy", "1").put("clientOrderId", "my-order-1"), null);
    assertThat(first.status()).isEqualTo(202);
    Api.Response reused = postOrder(alice, id, order("AAPL", "buy", "1").put("clientOrderId", "my-order-1"), null);
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.errorCode()).isEqualTo("conflict");
    Api.Response tooBig = postOrder(alice, id, order("AAPL", "buy", "500"), null);
    assertThat(tooBig.status()).isEqualTo(422);
    Api.Response bad = postOrder(alice, id, order("AAPL", "hold", "1"), null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("field")).isEqualTo("side");
  }

  @Test
  @DisplayName("two concurrent orders on one account are both taken, one after the other")
  void concurrentOrdersSerialized() throws Exception {
    String id = fundedAccount("alice-concurrent", alice.userId(), "5000", new JsonObject());
    var a = CompletableFuture.supplyAsync(() -> postOrder(alice, id, order("AAPL", "buy", "1"), null));
    var b = CompletableFuture.supplyAsync(() -> postOrder(alice, id, order("MSFT", "buy", "1"), null));
    assertThat(a.get().status()).isEqualTo(202);
    assertThat(b.get().status()).isEqualTo(202);
    try {
      TestGateway.eventually(30_000, () -> orders(alice, id).stream().filter(o -> "filled".equals(o.getString("status"))).count() == 2);
    } catch (AssertionError e) {
      throw new AssertionError("orders: " + orders(alice, id) + " / " + a.get().body() + " / " + b.get().body(), e);
    }
  }

  @Test
  @DisplayName("live: no confirmLive → 422; above the threshold → awaiting approval, executed only after approve, never after reject")
  void liveApprovals() {
    String id = fundedAccount("alice-live", alice.userId(), "5000", new JsonObject().put("kind", "live")
        .put("risk", new JsonObject().put("allowLive", true).put("approvalOverUsd", "50")));
    Api.Response unconfirmed = postOrder(alice, id, order("AAPL", "buy", "1"), null);
    assertThat(unconfirmed.status()).isEqualTo(422);
    Api.Response waiting = postOrder(alice, id, order("AAPL", "buy", "1").put("confirmLive", true), null);
    assertThat(waiting.status()).isEqualTo(202);
    assertThat(waiting.json().getString("status")).isEqualTo("awaiting_approval");
    String orderId = waiting.json().getString("id");
    JsonArray pending = api.get("/api/approvals?status=pending", alice.accessToken()).array();
    JsonObject approval = pending.stream().map(o -> (JsonObject) o)
        .filter(ap -> ap.getJsonObject("order").getString("id").equals(orderId)).findFirst().orElseThrow();
    assertThat(approval.fieldNames()).contains("id", "accountId", "order", "reason", "requestedAt", "expiresAt", "status");
    assertThat(api.post("/api/approvals/" + approval.getString("id") + "/approve", bob.accessToken(), null).status()).isEqualTo(404);
    assertThat(statusOf(alice, id, orderId)).isEqualTo("awaiting_approval");
    Api.Response approved = api.post("/api/approvals/" + approval.getString("id") + "/approve", alice.accessToken(), null);
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    awaitStatus(alice, id, orderId, "filled");

    String second = postOrder(alice, id, order("AAPL", "buy", "1").put("confirmLive", true), null).json().getString("id");
    assertThat(statusOf(alice, id, second)).isEqualTo("awaiting_approval");
    String approvalId = api.get("/api/approvals?status=pending", alice.accessToken()).array().stream().map(o -> (JsonObject) o)
        .filter(ap -> ap.getJsonObject("order").getString("id").equals(second)).findFirst().orElseThrow().getString("id");
    assertThat(api.post("/api/approvals/" + approvalId + "/reject", alice.accessToken(), new JsonObject().put("reason", "too big"))
        .status()).isEqualTo(200);
    assertThat(statusOf(alice, id, second)).isEqualTo("rejected");
    assertThat(api.post("/api/approvals/" + approvalId + "/approve", alice.accessToken(), null).status()).isEqualTo(409);
    // several ticks of this very engine pass after the reject, and the order still never executes
    long ticksAtReject = ticksOf(id);
    TestGateway.eventually(30_000, () -> ticksOf(id) >= ticksAtReject + 5);
    assertThat(statusOf(alice, id, second)).isEqualTo("rejected");
    assertThat(orders(alice, id).stream().filter(o -> o.getString("id").equals(second)).findFirst().orElseThrow()
        .getString("filledQty")).isIn("0", "0.00", "0.000000");
    List<String> filledOrders = api.get("/api/ledger/entries?kind=order.fill&accountId=" + id, admin.accessToken()).json()
        .getJsonArray("items").stream().map(o -> ((JsonObject) o).getJsonObject("payload").getString("orderId")).toList();
    assertThat(filledOrders).contains(orderId).doesNotContain(second);
    List<String> kinds = api.get("/api/ledger/entries?kind=approval.*&accountId=" + id, admin.accessToken()).json()
        .getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("kind")).toList();
    assertThat(kinds).contains("approval.requested", "approval.approved", "approval.rejected");
  }

  @Test
  @DisplayName("kill withdraws pending approvals: a canceled order can never be approved back to life")
  void killWithdrawsApprovals() {
    String id = fundedAccount("alice-live-kill", alice.userId(), "2000", new JsonObject().put("kind", "live")
        .put("risk", new JsonObject().put("allowLive", true).put("approvalOverUsd", "50")));
    String orderId = postOrder(alice, id, order("AAPL", "buy", "1").put("confirmLive", true), null).json().getString("id");
    String approvalId = api.get("/api/approvals?status=pending", alice.accessToken()).array().stream().map(o -> (JsonObject) o)
        .filter(ap -> ap.getJsonObject("order").getString("id").equals(orderId)).findFirst().orElseThrow().getString("id");
    assertThat(api.post("/api/accounts/" + id + "/kill", alice.accessToken(), new JsonObject().put("reason", "stop")).status())
        .isEqualTo(200);
    assertThat(statusOf(alice, id, orderId)).isEqualTo("canceled");
    assertThat(api.post("/api/accounts/" + id + "/mode", alice.accessToken(), new JsonObject().put("status", "active"))
        .status()).isEqualTo(200);
    assertThat(api.post("/api/approvals/" + approvalId + "/approve", alice.accessToken(), null).status()).isEqualTo(409);
    assertThat(statusOf(alice, id, orderId)).isEqualTo("canceled");
  }

  @Test
  @DisplayName("kill cancels open orders and refuses new ones; resume makes it trade again")
  void killSwitch() {
    String id = fundedAccount("alice-kill", alice.userId(), "3000", new JsonObject());
    String open = postOrder(alice, id, new JsonObject().put("symbol", "AAPL").put("side", "buy").put("qty", "1")
        .put("type", "limit").put("limitPrice", "1.00"), null).json().getString("id");
    awaitStatus(alice, id, open, "accepted");
    Api.Response killed = api.post("/api/accounts/" + id + "/kill", alice.accessToken(), new JsonObject().put("reason", "test"));
    assertThat(killed.status()).as(killed.toString()).isEqualTo(200);
    assertThat(killed.json().getString("status")).isEqualTo("halted");
    assertThat(statusOf(alice, id, open)).isEqualTo("canceled");
    assertThat(postOrder(alice, id, order("AAPL", "buy", "1"), null).status()).isEqualTo(422);
    assertThat(api.post("/api/accounts/" + id + "/mode", alice.accessToken(), new JsonObject().put("status", "active"))
        .json().getString("status")).isEqualTo("active");
    assertThat(postOrder(alice, id, order("AAPL", "buy", "1"), null).status()).isEqualTo(202);
    List<String> kinds = api.get("/api/ledger/entries?kind=mode.*&accountId=" + id, admin.accessToken()).json()
        .getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("kind")).toList();
    assertThat(kinds).containsExactly("mode.active", "mode.killed");
  }

  @Test
  @DisplayName("another user, in this tenant or another, can neither read, trade, approve nor kill the account (404)")
  void isolation() {
    String id = fundedAccount("alice-private", alice.userId(), "1000", new JsonObject());
    for (TestGateway.Session other : List.of(bob, stranger)) {
      for (String path : List.of("/balance", "/positions", "/orders", "/equity", "")) {
        assertThat(api.get("/api/accounts/" + id + path, other.accessToken()).status()).as(path).isEqualTo(404);
      }
      assertThat(postOrder(other, id, order("AAPL", "buy", "1"), null).status()).isEqualTo(404);
      assertThat(api.post("/api/accounts/" + id + "/kill", other.accessToken(), new JsonObject().put("reason", "x")).status())
          .isEqualTo(404);
      assertThat(api.post("/api/accounts/" + id + "/mode", other.accessToken(), new JsonObject().put("status", "halted"))
          .status()).isEqualTo(404);
    }
    assertThat(api.get("/api/accounts/" + id, alice.accessToken()).json().getString("status")).isEqualTo("active");
  }

  @Test
  @DisplayName("a market order by notional is sized at the venue's latest price when it executes, and a repeat is the same order")
  void marketOrderByNotional() {
    String id = fundedAccount("alice-notional", alice.userId(), "2000", new JsonObject());
    JsonObject byNotional = new JsonObject().put("symbol", "MSFT").put("side", "buy").put("notional", "250").put("type", "market");
    Api.Response placed = postOrder(alice, id, byNotional, "n-1");
    assertThat(placed.status()).as(placed.toString()).isEqualTo(202);
    String orderId = placed.json().getString("id");
    BigDecimal qty = new BigDecimal(placed.json().getString("qty"));
    assertThat(qty.signum()).isPositive();
    assertThat(qty.scale()).isLessThanOrEqualTo(6);
    awaitStatus(alice, id, orderId, "filled");
    JsonObject filled = orders(alice, id).stream().filter(o -> o.getString("id").equals(orderId)).findFirst().orElseThrow();
    // filled near 250 USD: the sim fills at the price it was sized at, plus its fee and its slippage
    BigDecimal cost = qty.multiply(new BigDecimal(filled.getString("avgFillPrice")));
    assertThat(cost).isBetween(new BigDecimal("240"), new BigDecimal("260"));
    assertThat(postOrder(alice, id, byNotional, "n-1").json().getString("id")).isEqualTo(orderId);
    Api.Response other = postOrder(alice, id, byNotional.copy().put("notional", "900"), "n-1");
    assertThat(other.status()).isEqualTo(409);
    Api.Response both = postOrder(alice, id, byNotional.copy().put("qty", "1"), null);
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().getJsonObject("error").getString("field")).isEqualTo("notional");
    Api.Response tiny = postOrder(alice, id, byNotional.copy().put("notional", "0.0001"), null);
    assertThat(tiny.status()).as(tiny.toString()).isEqualTo(400);
    assertThat(orders(alice, id)).hasSize(1);
  }

  @Test
  @DisplayName("an account's balance shows the capital allocated to it apart from its cash; the user's balance names each account with its real equity")
  void allocatedAndUserBalance() {
    TestGateway.Session carol = GATEWAY.signedIn("eng", "carol@eng.test", Role.OPERATOR);
    String traded = fundedAccount("carol-traded", carol.userId(), "1000", new JsonObject());
    String idle = fundedAccount("carol-idle", carol.userId(), "300", new JsonObject());
    flow("deposit", carol.userId(), null, "50");
    flow("deallocate", carol.userId(), idle, "100");
    String orderId = postOrder(carol, traded, order("AAPL", "buy", "2"), null).json().getString("id");
    awaitStatus(carol, traded, orderId, "filled");

    JsonObject balance = api.get("/api/accounts/" + traded + "/balance", carol.accessToken()).json();
    assertThat(balance.getString("allocated")).isEqualTo("1000.00");
    assertThat(new BigDecimal(balance.getString("cash"))).isLessThan(new BigDecimal("1000"));
    assertThat(new BigDecimal(balance.getString("positionsValue")).signum()).isPositive();
    assertThat(api.get("/api/accounts/" + idle + "/balance", carol.accessToken()).json().getString("allocated"))
        .isEqualTo("200.00");

    JsonObject tree = api.get("/api/users/" + carol.userId() + "/balance", carol.accessToken()).json();
    assertThat(tree.getString("cash")).isEqualTo("150.00");
    Map<String, JsonObject> byId = new java.util.HashMap<>();
    tree.getJsonArray("accounts").forEach(o -> byId.put(((JsonObject) o).getString("accountId"), (JsonObject) o));
    assertThat(byId).containsOnlyKeys(traded, idle);
    assertThat(byId.get(traded).getString("name")).isEqualTo("carol-traded");
    assertThat(byId.get(traded).getString("allocated")).isEqualTo("1000.00");
    // the traded account's equity is its cash plus two AAPL at the venue's price: not its allocation, not its cash
    BigDecimal equity = new BigDecimal(byId.get(traded).getString("equity"));
    BigDecimal cash = new BigDecimal(balance.getString("cash"));
    assertThat(equity).isGreaterThan(cash);
    assertThat(equity.subtract(cash)).isBetween(new BigDecimal("100"), new BigDecimal("300"));
    assertThat(byId.get(idle).getString("name")).isEqualTo("carol-idle");
    assertThat(byId.get(idle).getString("equity")).isEqualTo("200.00");
    BigDecimal sum = new BigDecimal(tree.getString("cash"));
    for (JsonObject a : byId.values()) {
      sum = sum.add(new BigDecimal(a.getString("equity")));
    }
    assertThat(new BigDecimal(tree.getString("total"))).isEqualByComparingTo(sum);
    // nobody else's tree shows carol's accounts, in this tenant or another
    assertThat(api.get("/api/users/" + carol.userId() + "/balance", bob.accessToken()).status()).isEqualTo(404);
    assertThat(api.get("/api/users/" + carol.userId() + "/balance", stranger.accessToken()).status()).isEqualTo(404);
    assertThat(api.get("/api/users/" + bob.userId() + "/balance", bob.accessToken()).json().getJsonArray("accounts").stream()
        .map(o -> ((JsonObject) o).getString("accountId")).toList()).doesNotContain(traded, idle);
  }

  @Test
  @DisplayName("an engine publishes its orders and balances on its tenant's stream, in the pushed shape, seq rising; no other tenant's stream hears them")
  void streamEvents() throws Exception {
    String id = fundedAccount("alice-stream", alice.userId(), "2000", new JsonObject());
    var bus = GATEWAY.gateway().node().vertx().eventBus();
    List<JsonObject> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<JsonObject> elsewhere = new java.util.concurrent.CopyOnWriteArrayList<>();
    var mine = bus.<JsonObject>consumer(StreamAddresses.tenant(UUID.fromString(alice.tenantId())), m -> {
      if (id.equals(m.body().getString("accountId"))) {
        heard.add(m.body());
      }
    });
    var other = bus.<JsonObject>consumer(StreamAddresses.tenant(UUID.fromString(stranger.tenantId())), m -> {
      if (id.equals(m.body().getString("accountId"))) {
        elsewhere.add(m.body());
      }
    });
    mine.completion().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    other.completion().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    try {
      String orderId = postOrder(alice, id, order("AAPL", "buy", "1"), null).json().getString("id");
      // once it holds AAPL, every tick moves its equity: balances follow one another
      TestGateway.eventually(30_000, () -> heard.stream().anyMatch(e -> "order".equals(e.getString("type"))
          && orderId.equals(e.getJsonObject("order").getString("id")) && "filled".equals(e.getJsonObject("order").getString("status")))
          && heard.stream().filter(e -> "balance".equals(e.getString("type"))).count() >= 3);
      for (JsonObject e : heard) {
        if ("balance".equals(e.getString("type"))) {
          assertThat(e.fieldNames()).containsExactlyInAnyOrder("type", "accountId", "seq", "cash", "equity", "asOf");
          assertThat(new BigDecimal(e.getString("equity"))).isPositive();
        } else {
          assertThat(e.getString("type")).isEqualTo("order");
          assertThat(e.fieldNames()).containsExactlyInAnyOrder("type", "accountId", "seq", "order");
        }
      }
      List<Long> seqs = heard.stream().map(e -> e.getLong("seq")).toList();
      for (int i = 1; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).as("seq after " + seqs.get(i - 1)).isGreaterThan(seqs.get(i - 1));
      }
      assertThat(elsewhere).isEmpty();
    } finally {
      mine.unregister();
      other.unregister();
    }
  }

  private static long ticksOf(String accountId) {
    return EngineProbe.ticks(GATEWAY.gateway(), accountId);
  }

  private static Api.Response postOrder(TestGateway.Session s, String accountId, JsonObject body, String key) {
    return EngineProbe.post(GATEWAY.gateway(), s, "/api/accounts/" + accountId + "/orders", body, key);
  }

}

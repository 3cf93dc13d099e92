package io.keyway.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.config.ConfigKeys;
import io.keyway.engine.AccountEngine;
import io.keyway.engine.venue.AlpacaDouble;
import io.keyway.engine.venue.AlpacaDouble.Seen;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.TestGateway.Session;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Alpaca accounts end to end: the real node over HTTP, a real PostgreSQL and event bus, and
 * {@link AlpacaDouble} as Alpaca on 127.0.0.1. Every scenario trades its own symbol with its own
 * keys, so what the double saw is told apart by either. Every symbol is quoted at 100.00 and market
 * orders fill there at once.
 */
@Timeout(60)
class AlpacaEngineTest {
  private static final long WAIT_MILLIS = 20_000;
  private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "TSLA", "AMZN");
  private static final Key ADMIN_KEY = new Key("PKADMINMAIN00000001", "admin-main-secret-0001");
  private static final Vertx ALPACA_VERTX = Vertx.vertx();
  private static final AlpacaDouble ALPACA = AlpacaDouble.start(ALPACA_VERTX, ADMIN_KEY.id(), ADMIN_KEY.secret());
  /** Closes Alpaca after the node has stopped (after-all callbacks run in reverse order), so no engine finds it gone. */
  @RegisterExtension @Order(1) static final AfterAllCallback CLOSE_ALPACA = context -> {
    ALPACA.close();
    ALPACA_VERTX.close().await();
  };
  @RegisterExtension @Order(2) static final GatewayExtension GATEWAY = new GatewayExtension(Map.of(
      ConfigKeys.ALPACA_PAPER_URL, ALPACA.url(),
      ConfigKeys.ALPACA_LIVE_URL, ALPACA.url(),
      ConfigKeys.ALPACA_DATA_URL, ALPACA.url(),
      ConfigKeys.ENGINE_TICK_MILLIS, "200"));
  private static final ListAppender<ILoggingEvent> ENGINE_LOG = new ListAppender<>();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Api api;
  private static Session admin;
  private static Session alice;
  private static Session bob;
  private static Session stranger;

  /** An Alpaca key pair as a person pastes it into Keyway. */
  private record Key(String id, String secret) {}

  @BeforeAll
  static void start() {
    api = GATEWAY.api();
    admin = GATEWAY.signedIn("alp", "admin@alp.test", Role.ADMIN);
    alice = GATEWAY.signedIn("alp", "alice@alp.test", Role.OPERATOR);
    bob = GATEWAY.signedIn("alp", "bob@alp.test", Role.OPERATOR);
    stranger = GATEWAY.signedIn("alp-b", "admin@alp-b.test", Role.ADMIN);
    SYMBOLS.forEach(s -> ALPACA.quote(s, "99.99", "100.01").fillMarketOrdersAt(s, "100.00"));
    ENGINE_LOG.start();
    engineLogger().addAppender(ENGINE_LOG);
  }

  @AfterAll
  static void stop() {
    engineLogger().detachAppender(ENGINE_LOG);
  }

  @Test
  @DisplayName("an owner with no key for the account's label trades nothing, not even with a tenant admin's key for it:"
      + " warning, degraded, no order at Alpaca, a manual order is 422")
  void ownerWithoutMatchingKey() {
    Session dave = GATEWAY.signedIn("alp", "dave@alp.test", Role.OPERATOR);
    Key davesOther = new Key("PKDAVEOTHER0000C03", "dave-other-secret-C03");
    ALPACA.acceptKey(davesOther.id(), davesOther.secret());
    link(dave, "other", davesOther);
    link(admin, "main", ADMIN_KEY);
    String id = alpacaAccount("dave-main", dave, "main", "AAPL", true);

    await("three ticks with the warning", () -> orderSubmissions("AAPL"), () -> warnings(id) >= 3);
    assertThat(status(id)).isEqualTo("degraded");
    Api.Response manual = api.post(ordersPath(id), dave.accessToken(), buy("AAPL"));
    assertThat(manual.status()).as(manual.toString()).isEqualTo(422);
    assertThat(orderSubmissions("AAPL")).isEmpty();
    assertThat(ALPACA.seen()).noneMatch(s -> davesOther.id().equals(s.keyId()) || ADMIN_KEY.id().equals(s.keyId()));
  }

  @Test
  @DisplayName("a rotated key is used from the next tick on, with no restart, and the old key is not sent again")
  void rotatedKeyUsedAtNextTick() {
    Key a = new Key("PKROTATEOLD0000A01", "rotate-old-secret-A01");
    Key b = new Key("PKROTATENEW0000B02", "rotate-new-secret-B02");
    ALPACA.acceptKey(a.id(), a.secret());
    String credentialId = link(alice, "rotate", a);
    String id = alpacaAccount("alice-rotate", alice, "rotate", "MSFT", true);
    try {
      await("two orders with key A", () -> orderSubmissions("MSFT"),
          () -> acceptedWith(ALPACA.seen(), "MSFT", a) >= 2);
      ALPACA.acceptKey(b.id(), b.secret());
      assertThat(link(alice, "rotate", b)).as("rotated in place").isEqualTo(credentialId);
      int rotatedAt = ALPACA.seen().size();
      ALPACA.refuseKey(a.id());

      await("two orders with key B after the rotation", () -> orderSubmissions("MSFT"),
          () -> acceptedWith(since(rotatedAt), "MSFT", b) >= 2);
      List<Seen> after = since(rotatedAt);
      int firstWithB = IntStream.range(0, after.size()).filter(i -> b.id().equals(after.get(i).keyId()))
          .findFirst().orElseThrow();
      assertThat(after.subList(firstWithB, after.size())).as("from the first tick with the new key on")
          .noneMatch(s -> a.id().equals(s.keyId()));
      assertThat(after.subList(0, firstWithB)).as("only a tick already running at the rotation sends an order with key A")
          .filteredOn(s -> s.orderSubmission() && a.id().equals(s.keyId())).hasSizeLessThanOrEqualTo(1);
    } finally {
      halt(id);
    }
  }

  @Test
  @DisplayName("an unlinked key stops trading at the next tick: no further order reaches Alpaca, degraded, warning logged")
  void unlinkStopsTrading() {
    Key c = new Key("PKUNLINK00000000C04", "unlink-secret-C04");
    ALPACA.acceptKey(c.id(), c.secret());
    String credentialId = link(alice, "unlink", c);
    String id = alpacaAccount("alice-unlink", alice, "unlink", "NVDA", true);
    await("two orders with the key", () -> orderSubmissions("NVDA"),
        () -> acceptedWith(ALPACA.seen(), "NVDA", c) >= 2);
    assertThat(warnings(id)).isZero();

    Api.Response unlinked = api.delete("/api/account/keys/" + credentialId, alice.accessToken());
    assertThat(unlinked.status()).as(unlinked.toString()).isEqualTo(204);
    int atUnlink = orderSubmissions("NVDA").size();
    await("the warning after the unlink", () -> orderSubmissions("NVDA"), () -> warnings(id) >= 1);
    int atFirstWarning = orderSubmissions("NVDA").size();
    assertThat(atFirstWarning - atUnlink).as("only a tick already running at the unlink sends its order")
        .isLessThanOrEqualTo(1);
    await("three more ticks with the warning", () -> orderSubmissions("NVDA"), () -> warnings(id) >= 4);
    assertThat(orderSubmissions("NVDA")).as("three ticks later").hasSize(atFirstWarning);
    assertThat(status(id)).isEqualTo("degraded");
  }

  @Test
  @DisplayName("a 429 storm delays orders but loses none, and Alpaca accepts each client order id exactly once")
  void rateLimitStorm() {
    int storm = 4;
    int placed = 5;
    Key d = new Key("PKSTORM000000000D05", "storm-secret-D05");
    ALPACA.acceptKey(d.id(), d.secret());
    link(alice, "storm", d);
    String id = alpacaAccount("alice-storm", alice, "storm", "TSLA", false);
    ALPACA.rateLimitNextOrders("TSLA", storm, "1");

    List<String> clientOrderIds = new ArrayList<>();
    for (int i = 0; i < placed; i++) {
      Api.Response r = api.post(ordersPath(id), alice.accessToken(), buy("TSLA"));
      assertThat(r.status()).as(r.toString()).isEqualTo(202);
      assertThat(r.json().getString("status")).isEqualTo("pending");
      clientOrderIds.add(r.json().getString("clientOrderId"));
    }
    await("every order filled", () -> orders(id) + " at Alpaca: " + orderSubmissions("TSLA"),
        () -> orders(id).stream().filter(o -> "filled".equals(o.getString("status"))).count() == placed);
    assertThat(orders(id)).hasSize(placed);
    List<Seen> atAlpaca = orderSubmissions("TSLA");
    assertThat(atAlpaca).as("the storm").filteredOn(s -> s.status() == 429).hasSize(storm);
    assertThat(atAlpaca).filteredOn(s -> s.status() == 200).extracting(Seen::clientOrderId)
        .containsExactlyInAnyOrderElementsOf(clientOrderIds);
    assertThat(clientOrderIds).allSatisfy(c -> assertThat(ALPACA.submissions(c)).as(c).isEqualTo(1));
    // and every fill is booked on the ledger, once
    await("every fill booked", () -> api.get("/api/ledger/entries?kind=order.fill&accountId=" + id, admin.accessToken()).body(),
        () -> api.get("/api/ledger/entries?kind=order.fill&accountId=" + id, admin.accessToken()).json()
            .getJsonArray("items").size() == placed);
  }

  @Test
  @DisplayName("another user of the tenant and another tenant's admin can neither read its orders nor trade on it (404)")
  void othersCannotReadOrTrade() {
    Key e = new Key("PKISOLATE0000000E06", "isolate-secret-E06");
    ALPACA.acceptKey(e.id(), e.secret());
    link(alice, "iso", e);
    String id = alpacaAccount("alice-iso", alice, "iso", "AMZN", false);
    Api.Response own = api.post(ordersPath(id), alice.accessToken(), buy("AMZN"));
    assertThat(own.status()).as("the owner trades: " + own).isEqualTo(202);

    for (Session other : List.of(bob, stranger)) {
      assertThat(api.get(ordersPath(id), other.accessToken()).status()).as(other.email()).isEqualTo(404);
      assertThat(api.post(ordersPath(id), other.accessToken(), buy("AMZN")).status()).as(other.email()).isEqualTo(404);
    }
    assertThat(orderSubmissions("AMZN")).as("the owner's order only").hasSize(1);
  }

  /** Waits for {@code condition}; on a timeout, says what it waited for and shows {@code state}. */
  private static void await(String what, Supplier<?> state, BooleanSupplier condition) {
    try {
      TestGateway.eventually(WAIT_MILLIS, condition);
    } catch (AssertionError e) {
      throw new AssertionError("no " + what + " within " + WAIT_MILLIS + " ms: " + state.get(), e);
    }
  }

  private static Logger engineLogger() {
    return (Logger) LoggerFactory.getLogger(AccountEngine.class);
  }

  /** How often the engine logged that this account has no credentials. */
  private static long warnings(String accountId) {
    String line = "WARNING no credentials for account " + accountId;
    synchronized (ENGINE_LOG) { // appending holds the appender's monitor
      return ENGINE_LOG.list.stream().filter(e -> e.getLevel() == Level.WARN && line.equals(e.getFormattedMessage()))
          .count();
    }
  }

  private static List<Seen> since(int index) {
    List<Seen> all = ALPACA.seen();
    return all.subList(index, all.size());
  }

  private static List<Seen> orderSubmissions(String symbol) {
    return ALPACA.seen().stream().filter(s -> s.orderSubmission() && symbol.equals(s.symbol())).toList();
  }

  private static long acceptedWith(List<Seen> seen, String symbol, Key key) {
    return seen.stream().filter(s -> s.orderSubmission() && symbol.equals(s.symbol()) && key.id().equals(s.keyId())
        && s.status() == 200).count();
  }

  /** Links (or, for a provider and label already linked, rotates) an Alpaca key; answers the credential's id. */
  private static String link(Session s, String label, Key key) {
    Api.Response r = api.post("/api/account/keys", s.accessToken(), new JsonObject().put("provider", "alpaca")
        .put("label", label).put("keyId", key.id()).put("secret", key.secret()));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  /**
   * A paper account at Alpaca owned by {@code owner}, funded with 10,000 USD, whose threshold strategy buys one
   * share of {@code symbol} at every tick ({@code buysEveryTick}) or never.
   */
  private static String alpacaAccount(String name, Session owner, String label, String symbol, boolean buysEveryTick) {
    JsonObject body = TradingAccountFixtures.simAccount(name, owner.userId()).put("venue", "alpaca")
        .put("credentialLabel", label);
    body.getJsonObject("strategy").getJsonObject("params").put("symbol", symbol)
        .put("buyBelow", buysEveryTick ? "1000" : "1").put("sellAbove", "1000000");
    body.getJsonObject("risk").put("dailyCapUsd", "1000000");
    Api.Response created = api.post("/api/accounts", admin.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    capitalFlow(new JsonObject().put("type", "deposit").put("userId", owner.userId()).put("amount", "10000"));
    capitalFlow(new JsonObject().put("type", "allocate").put("userId", owner.userId()).put("accountId", id)
        .put("amount", "10000"));
    return id;
  }

  private static void capitalFlow(JsonObject flow) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + GATEWAY.gateway().node().httpPort() + "/api/capital-flows"))
          .header("Authorization", "Bearer " + admin.accessToken()).header("Content-Type", "application/json")
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .POST(HttpRequest.BodyPublishers.ofString(flow.put("currency", "USD").encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops a strategy that buys at every tick, so it does not load the machine for the scenarios after it. */
  private static void halt(String accountId) {
    api.post("/api/accounts/" + accountId + "/mode", admin.accessToken(), new JsonObject().put("status", "halted"));
  }

  private static String status(String accountId) {
    return api.get("/api/accounts/" + accountId, admin.accessToken()).json().getString("status");
  }

  private static String ordersPath(String accountId) {
    return "/api/accounts/" + accountId + "/orders";
  }

  private static List<JsonObject> orders(String accountId) {
    Api.Response r = api.get(ordersPath(accountId), alice.accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  private static JsonObject buy(String symbol) {
    return new JsonObject().put("symbol", symbol).put("side", "buy").put("qty", "1").put("type", "market");
  }
}

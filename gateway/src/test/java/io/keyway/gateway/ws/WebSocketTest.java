package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.engine.StreamAddresses;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class WebSocketTest {
  // engines tick rarely here, so the pushes a test sees are the ones it published
  @RegisterExtension static final GatewayExtension GATEWAY =
      new GatewayExtension(Map.of(ConfigKeys.ENGINE_TICK_MILLIS, "60000"));
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Vertx clients;
  private static Api api;
  private static int port;
  private static TestGateway.Session adminA;
  private static TestGateway.Session operatorA;
  private static TestGateway.Session adminB;
  private static String a1;
  private static String a2;
  private static String b1;
  /** Far above any seq an engine has published, so test pushes are never older than a snapshot. */
  private static long seq = System.currentTimeMillis() * 1000 + 1_000_000_000L;

  @BeforeAll
  static void setUp() {
    clients = Vertx.vertx();
    api = GATEWAY.api();
    port = GATEWAY.gateway().node().httpPort();
    adminA = GATEWAY.signedIn("ws-a", "admin@ws-a.test", Role.ADMIN);
    operatorA = GATEWAY.signedIn("ws-a", "operator@ws-a.test", Role.OPERATOR);
    adminB = GATEWAY.signedIn("ws-b", "admin@ws-b.test", Role.ADMIN);
    a1 = account(adminA, "ws-a1", operatorA.userId());
    a2 = account(adminA, "ws-a2", adminA.userId());
    b1 = account(adminB, "ws-b1", adminB.userId());
  }

  @AfterAll
  static void tearDown() {
    clients.close();
  }

  private static String account(TestGateway.Session admin, String name, String ownerId) {
    Api.Response r = api.post("/api/accounts", admin.accessToken(), TradingAccountFixtures.simAccount(name, ownerId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().getString("id");
    // a subscription starts from the engine's snapshot: wait until the new account's engine runs (it answers
    // 503 "try again" until then, which a loaded machine can stretch past the test's first subscribe)
    TestGateway.eventually(30_000, () -> api.get("/api/accounts/" + id + "/balance", admin.accessToken()).status() == 200);
    return id;
  }

  private static synchronized long nextSeq() {
    return ++seq;
  }

  private static JsonObject balance(String accountId, String cash) {
    return new JsonObject().put("type", "balance").put("accountId", accountId).put("seq", nextSeq())
        .put("cash", cash).put("equity", cash).put("asOf", "2026-11-23T20:00:00Z");
  }

  private static JsonObject order(String accountId, int n) {
    return new JsonObject().put("type", "order").put("accountId", accountId).put("seq", nextSeq())
        .put("order", new JsonObject().put("id", UUID.randomUUID().toString()).put("n", n));
  }

  private static void publish(TestGateway.Session tenantOf, JsonObject event) {
    GATEWAY.gateway().node().vertx().eventBus().publish(StreamAddresses.tenant(UUID.fromString(tenantOf.tenantId())),
        event);
  }

  private static boolean push(JsonObject f) {
    return "balance".equals(f.getString("type")) || "order".equals(f.getString("type"));
  }

  @Test
  @DisplayName("across thousands of mixed events in two tenants, no socket receives anything about an account it may not see")
  void isolation() throws Exception {
    try (WsClient op = WsClient.ready(clients, port, operatorA.accessToken());
         WsClient admA = WsClient.ready(clients, port, adminA.accessToken());
         WsClient admB = WsClient.ready(clients, port, adminB.accessToken())) {
      assertThat(op.subscribe("balance", a1).getString("type")).isEqualTo("subscribed");
      assertThat(op.subscribe("orders", a1).getString("type")).isEqualTo("subscribed");
      assertThat(op.subscribe("balance", a2).getString("code")).isEqualTo("not_found");
      assertThat(op.subscribe("orders", b1).getString("code")).isEqualTo("not_found");
      assertThat(op.subscribe("tenant", null).getString("code")).isEqualTo("forbidden");
      assertThat(admA.subscribe("tenant", null).getString("type")).isEqualTo("subscribed");
      assertThat(admA.subscribe("balance", b1).getString("code")).isEqualTo("not_found");
      assertThat(admB.subscribe("tenant", null).getString("type")).isEqualTo("subscribed");
      assertThat(admB.subscribe("balance", b1).getString("type")).isEqualTo("subscribed");

      Map<String, Integer> ordersPublished = new HashMap<>();
      Map<String, String> lastCash = new HashMap<>();
      java.util.Random random = new java.util.Random(6);
      for (int i = 0; i < 3000; i++) {
        String acct = List.of(a1, a2, b1).get(random.nextInt(3));
        TestGateway.Session tenant = acct.equals(b1) ? adminB : adminA;
        if (random.nextBoolean()) {
          publish(tenant, order(acct, i));
          ordersPublished.merge(acct, 1, Integer::sum);
        } else {
          lastCash.put(acct, i + ".00");
          publish(tenant, balance(acct, i + ".00"));
        }
      }
      for (String acct : List.of(a1, a2, b1)) { // an end marker per account
        publish(acct.equals(b1) ? adminB : adminA, balance(acct, "end"));
      }
      TestGateway.eventually(10_000, () -> ended(op, a1) && ended(admA, a1) && ended(admA, a2) && ended(admB, b1));

      assertThat(accountsPushed(op)).containsExactly(a1);
      assertThat(accountsPushed(admA)).containsExactlyInAnyOrder(a1, a2);
      assertThat(accountsPushed(admB)).containsExactly(b1);
      // orders are never skipped; a socket subscribed twice (tenant + balance) gets each push once
      assertThat(orders(op, a1)).isEqualTo(ordersPublished.get(a1).longValue());
      assertThat(orders(admA, a2)).isEqualTo(ordersPublished.get(a2).longValue());
      assertThat(orders(admB, b1)).isEqualTo(ordersPublished.get(b1).longValue());
      List<Long> seqs = admB.received.stream().filter(WebSocketTest::push).map(f -> f.getLong("seq")).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }
  }

  private static void subscribeBoth(String stream, WsClient... sockets) throws InterruptedException {
    for (WsClient c : sockets) {
      assertThat(c.subscribe(stream, a1).getString("type")).isEqualTo("subscribed");
    }
  }

  /** A counter's value on /metrics. */
  private static double metric(String name) {
    return api.get("/metrics", null).body().lines().filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim())).findFirst().orElse(0);
  }

  private static boolean ended(WsClient c, String acct) {
    return c.received.stream().anyMatch(f -> "end".equals(f.getString("cash")) && acct.equals(f.getString("accountId")));
  }

  private static Set<String> accountsPushed(WsClient c) {
    return c.received.stream().filter(WebSocketTest::push).map(f -> f.getString("accountId"))
        .collect(java.util.stream.Collectors.toSet());
  }

  private static long orders(WsClient c, String acct) {
    return c.received.stream().filter(f -> "order".equals(f.getString("type")) && acct.equals(f.getString("accountId")))
        .count();
  }

  @Test
  @DisplayName("subscribe answers a snapshot and seq; a foreign and a missing account answer the same not_found")
  void subscribeAndNotFound() throws Exception {
    try (WsClient op = WsClient.ready(clients, port, operatorA.accessToken())) {
      JsonObject ok = op.subscribe("balance", a1);
      assertThat(ok.getString("stream")).isEqualTo("balance");
      assertThat(ok.getString("accountId")).isEqualTo(a1);
      assertThat(ok.getJsonObject("snapshot").getString("cash")).isNotNull();
      assertThat(ok.getJsonObject("snapshot").containsKey("positions")).isFalse();
      assertThat(ok.getLong("seq")).isNotNull();
      JsonObject orders = op.subscribe("orders", a1);
      assertThat(orders.getJsonObject("snapshot").getJsonArray("orders")).isNotNull();

      String missing = UUID.randomUUID().toString();
      JsonObject foreign = op.subscribe("balance", b1);
      JsonObject absent = op.subscribe("balance", missing);
      assertThat(foreign.copy().put("accountId", "x")).isEqualTo(absent.copy().put("accountId", "x"));
      assertThat(foreign).isEqualTo(new JsonObject().put("type", "error").put("code", "not_found").put("accountId", b1));

      op.send(new JsonObject().put("op", "unsubscribe").put("stream", "balance").put("accountId", a1));
      op.await(f -> "unsubscribed".equals(f.getString("type")), WAIT);
      publish(adminA, balance(a1, "after-unsubscribe"));
      publish(adminA, order(a1, 1));
      op.await(f -> "order".equals(f.getString("type")), WAIT); // still subscribed to orders
      assertThat(op.received).noneMatch(f -> "after-unsubscribe".equals(f.getString("cash")));
      answersPing(op);
    }
  }

  @Test
  @DisplayName("a handshake from an origin not allowed is refused 403; the gateway's own origin and no origin are accepted")
  void origins() throws Exception {
    assertThat(handshakeStatus("https://evil.example")).isEqualTo("HTTP/1.1 403 Forbidden");
    assertThat(handshakeStatus("http://127.0.0.1:" + port + ".evil.example")).isEqualTo("HTTP/1.1 403 Forbidden");
    assertThat(handshakeStatus("http://127.0.0.1:" + port)).isEqualTo("HTTP/1.1 101 Switching Protocols");
    try (WsClient own = WsClient.connect(clients, port, "http://127.0.0.1:" + port, 0)) {
      own.send(new JsonObject().put("op", "ping"));
      assertThat(own.next(WAIT).getString("type")).isEqualTo("error"); // not authenticated yet: 4401
      assertThat(own.closeCode(WAIT)).isEqualTo((short) 4401);
    }
  }

  /** The status line answering a raw WebSocket handshake with this {@code Origin}. */
  private static String handshakeStatus(String origin) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: " + origin + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  @DisplayName("no auth frame within 5 s closes 4401; a bad token answers unauthorized and closes 4401; tokens in the URL do nothing")
  void authDeadline() throws Exception {
    try (WsClient silent = WsClient.connect(clients, port)) {
      long t0 = System.nanoTime();
      assertThat(silent.closeCode(Duration.ofSeconds(9))).isEqualTo((short) 4401);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(4500), Duration.ofSeconds(8));
    }
    try (WsClient bad = WsClient.connect(clients, port)) {
      bad.send(new JsonObject().put("op", "auth").put("token", "not-a-token"));
      assertThat(bad.next(WAIT)).isEqualTo(new JsonObject().put("type", "error").put("code", "unauthorized"));
      assertThat(bad.closeCode(WAIT)).isEqualTo((short) 4401);
    }
  }

  @Test
  @DisplayName("a logout and a disabled user close the sockets concerned (4401) within 1 s")
  void revocation() throws Exception {
    TestGateway.Session leaving = GATEWAY.signedIn("ws-a", "leaving@ws-a.test", Role.VIEWER);
    TestGateway.Session disabled = GATEWAY.signedIn("ws-a", "disabled@ws-a.test", Role.VIEWER);
    try (WsClient bystander = WsClient.ready(clients, port, operatorA.accessToken());
         WsClient loggedOut = WsClient.ready(clients, port, leaving.accessToken());
         WsClient user = WsClient.ready(clients, port, disabled.accessToken())) {
      revokedWithinASecond(loggedOut, () -> api.post("/api/auth/logout", leaving.accessToken(), new JsonObject()), 204);
      assertThat(loggedOut.received).contains(new JsonObject().put("type", "error").put("code", "unauthorized"));

      revokedWithinASecond(user, () -> api.patch("/api/users/" + disabled.userId(), adminA.accessToken(),
          new JsonObject().put("disabled", true)), 200);
      answersPing(bystander);
    }
  }

  /** Sends the revoking request; the socket must be closed 4401 within a second of it. */
  private static void revokedWithinASecond(WsClient socket, java.util.function.Supplier<Api.Response> revoke,
      int status) throws Exception {
    long t0 = System.nanoTime();
    Api.Response r = revoke.get();
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(socket.closeCode(Duration.ofSeconds(1))).isEqualTo((short) 4401);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
  }

  private static void answersPing(WsClient socket) throws InterruptedException {
    socket.send(new JsonObject().put("op", "ping"));
    assertThat(socket.await(f -> !push(f), WAIT)).isEqualTo(new JsonObject().put("type", "pong"));
  }

  @Test
  @DisplayName("revoking an API token closes the socket it authenticated (4401) within 1 s, with no lookup; "
      + "the user's other sockets and other tokens' sockets, in both tenants, stay and re-check nothing")
  void apiTokenRevocation() throws Exception {
    TestGateway.Session bot = GATEWAY.signedIn("ws-a", "bot@ws-a.test", Role.OPERATOR);
    JsonObject created = api.post("/api/account/tokens", bot.accessToken(), new JsonObject().put("name", "ws")).json();
    String sibling = api.post("/api/account/tokens", bot.accessToken(), new JsonObject().put("name", "ws-2")).json()
        .getString("token");
    String foreign = api.post("/api/account/tokens", adminB.accessToken(), new JsonObject().put("name", "ws-b")).json()
        .getString("token");
    try (WsClient viaToken = WsClient.ready(clients, port, created.getString("token"));
         WsClient viaSession = WsClient.ready(clients, port, bot.accessToken());
         WsClient viaSibling = WsClient.ready(clients, port, sibling);
         WsClient viaForeign = WsClient.ready(clients, port, foreign)) {
      double rechecks = metric("keyway_ws_identity_rechecks_total");
      revokedWithinASecond(viaToken, () -> api.delete("/api/account/tokens/" + created.getString("id"),
          bot.accessToken()), 204);
      answersPing(viaSession);
      answersPing(viaSibling);
      answersPing(viaForeign);
      // the revocation names the token's hash, which its sockets keep: no other socket authenticated again
      assertThat(metric("keyway_ws_identity_rechecks_total")).isEqualTo(rechecks);
    }
  }

  @Test
  @DisplayName("when an account changes owner, the old owner's subscriptions end (not_found) and nothing more reaches them")
  void ownerChange() throws Exception {
    TestGateway.Session previous = GATEWAY.signedIn("ws-a", "previous@ws-a.test", Role.OPERATOR);
    String acct = account(adminA, "ws-moving", previous.userId());
    try (WsClient old = WsClient.ready(clients, port, previous.accessToken());
         WsClient admin = WsClient.ready(clients, port, adminA.accessToken())) {
      assertThat(old.subscribe("balance", acct).getString("type")).isEqualTo("subscribed");
      assertThat(admin.subscribe("balance", acct).getString("type")).isEqualTo("subscribed");
      Api.Response r = api.patch("/api/accounts/" + acct, adminA.accessToken(),
          new JsonObject().put("ownerUserId", adminA.userId()));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(old.await(f -> "error".equals(f.getString("type")), Duration.ofSeconds(1)))
          .isEqualTo(new JsonObject().put("type", "error").put("code", "not_found").put("accountId", acct));
      publish(adminA, balance(acct, "after-move"));
      admin.await(f -> "after-move".equals(f.getString("cash")), WAIT);
      answersPing(old);
      assertThat(old.received).noneMatch(f -> "after-move".equals(f.getString("cash")));
    }
  }

  @Test
  @DisplayName("a deliberately slow reader gets conflated balances and ends on the newest state; a fast one beside it gets every push")
  void slowReaderConflated() throws Exception {
    String pad = "x".repeat(2048);
    try (WsClient slow = WsClient.ready(clients, port, operatorA.accessToken(), 4096);
         WsClient fast = WsClient.ready(clients, port, adminA.accessToken())) {
      subscribeBoth("balance", slow, fast);
      slow.pause();
      int n = 5000;
      // the fast reader keeps up by construction: at most 16 pushes (32 KiB) ahead of it, under its
      // socket's 64 KiB write queue, so however loaded the machine, nothing of its may be conflated
      for (int i = 0; i < n; i++) {
        String cash = i == n - 1 ? "newest" : String.valueOf(i);
        publish(adminA, balance(a1, cash).put("pad", pad));
        if (i % 16 == 15) {
          fast.await(f -> cash.equals(f.getString("cash")), WAIT);
        }
      }
      fast.await(f -> "newest".equals(f.getString("cash")), WAIT);
      assertThat(fast.received.stream().filter(WebSocketTest::push).count()).isEqualTo(n);
      slow.resume();
      slow.await(f -> "newest".equals(f.getString("cash")), Duration.ofSeconds(30));
      List<JsonObject> got = slow.received.stream().filter(WebSocketTest::push).toList();
      assertThat(got.size()).isLessThan(n); // conflated: seq jumps
      assertThat(got.get(got.size() - 1).getString("cash")).isEqualTo("newest");
      assertThat(got.stream().map(f -> f.getLong("seq")).toList()).isSorted();
      assertThat(metric("keyway_ws_messages_conflated_total")).isGreaterThanOrEqualTo(n - got.size());
    }
  }

  @Test
  @DisplayName("a reader too slow for order events gets slow_consumer and close 1013; a fast one beside it gets every order")
  void slowReaderOrders() throws Exception {
    String pad = "x".repeat(2048);
    try (WsClient slow = WsClient.ready(clients, port, operatorA.accessToken(), 4096);
         WsClient fast = WsClient.ready(clients, port, adminA.accessToken())) {
      subscribeBoth("orders", slow, fast);
      slow.pause();
      int n = 5000;
      // in steps the fast reader keeps up with, so only the paused one can fall a queue behind (on a loaded
      // machine the in-process fast client could otherwise lag 1,024 frames and be closed too)
      int step = 250;
      for (int from = 0; from < n; from += step) {
        for (int i = from; i < from + step; i++) {
          publish(adminA, order(a1, i).put("pad", pad));
        }
        int last = from + step - 1;
        fast.await(f -> f.getJsonObject("order") != null && f.getJsonObject("order").getInteger("n") == last, WAIT);
      }
      assertThat(fast.closed.isDone()).as("the fast reader stays open").isFalse();
      assertThat(fast.received.stream().filter(WebSocketTest::push).map(f -> f.getJsonObject("order").getInteger("n"))
          .toList()).as("the fast reader gets every order, in order").isEqualTo(IntStream.range(0, n).boxed().toList());
      slow.resume();
      assertThat(slow.closeCode(Duration.ofSeconds(30))).isEqualTo((short) 1013);
      assertThat(slow.received.get(slow.received.size() - 1))
          .isEqualTo(new JsonObject().put("type", "error").put("code", "slow_consumer"));
      List<Integer> ns = slow.received.stream().filter(WebSocketTest::push)
          .map(f -> f.getJsonObject("order").getInteger("n")).toList();
      for (int i = 0; i < ns.size(); i++) {
        assertThat(ns.get(i)).as("orders are never skipped").isEqualTo(i);
      }
      assertThat(metric("keyway_ws_slow_consumers_total")).isGreaterThanOrEqualTo(1);
      assertThat(metric("keyway_ws_messages_dropped_total")).isGreaterThan(0);
    }
  }

  @Test
  @DisplayName("a flood of valid frames faster than they can be answered closes the socket 1008 instead of queueing without bound")
  void validFrameFlood() throws Exception {
    try (WsClient flood = WsClient.ready(clients, port, operatorA.accessToken())) {
      // each subscribe needs the database and the engine; five thousand at once cannot all be waiting
      String frame = new JsonObject().put("op", "subscribe").put("stream", "balance").put("accountId", a1).encode();
      for (int i = 0; i < 5_000; i++) {
        flood.sendText(frame);
      }
      assertThat(flood.closeCode(WAIT)).isEqualTo((short) 1008);
    }
    try (WsClient calm = WsClient.ready(clients, port, operatorA.accessToken())) {
      assertThat(calm.subscribe("balance", a1).getString("type")).isEqualTo("subscribed");
    }
  }

  @Test
  @DisplayName("a malformed frame answers bad_request and the socket stays; more than 100 in a minute close 1008; an oversize frame is refused")
  void malformedFrames() throws Exception {
    try (WsClient c = WsClient.ready(clients, port, operatorA.accessToken())) {
      for (String bad : List.of("not json", "[]", "{\"op\":\"dance\"}", "{\"op\":\"subscribe\",\"stream\":\"balance\"}",
          "{\"op\":\"subscribe\",\"stream\":\"balance\",\"accountId\":\"nope\"}", "{\"op\":1}")) {
        c.sendText(bad);
        assertThat(c.next(WAIT)).as(bad).isEqualTo(new JsonObject().put("type", "error").put("code", "bad_request"));
      }
      c.sendBinary(new byte[] {1, 2, 3});
      assertThat(c.next(WAIT).getString("code")).isEqualTo("bad_request");
      c.send(new JsonObject().put("op", "ping"));
      assertThat(c.next(WAIT).getString("type")).isEqualTo("pong");
      for (int i = 0; i < 100; i++) {
        c.sendText("garbage " + i);
      }
      assertThat(c.closeCode(WAIT)).isEqualTo((short) 1008);
    }
    try (WsClient c = WsClient.ready(clients, port, operatorA.accessToken())) {
      c.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(WsSettings.DEFAULTS.maxFrameBytes()) + "\"}");
      assertThat(c.closeCode(WAIT)).isEqualTo((short) 1009);
      assertThat(c.received.get(c.received.size() - 1))
          .isEqualTo(new JsonObject().put("type", "error").put("code", "payload_too_large"));
      assertThat(c.received).noneMatch(f -> "pong".equals(f.getString("type")));
    }
    try (WsClient c = WsClient.ready(clients, port, operatorA.accessToken())) {
      c.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(8 * WsSettings.DEFAULTS.maxFrameBytes()) + "\"}");
      assertThat(c.closeCode(WAIT)).isIn((short) 1006, (short) 1009); // the transport drops it unread
      assertThat(c.received).noneMatch(f -> "pong".equals(f.getString("type")));
    }
    assertThat(metric("keyway_ws_messages_sent_total")).isGreaterThan(0);
    assertThat(metric("keyway_ws_frames_malformed_total")).isGreaterThanOrEqualTo(101);
    assertThat(api.get("/metrics", null).body()).contains("keyway_ws_connections ");
  }
}

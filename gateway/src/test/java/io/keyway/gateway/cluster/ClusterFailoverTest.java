package io.keyway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.config.MasterKeyFormat;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.keyway.engine.placement.Placement;
import io.keyway.engine.venue.AlpacaDouble;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.engine.EngineProbe;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.keyway.gateway.ws.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three clustered nodes on 127.0.0.1 over one PostgreSQL: node A in this JVM, B and C in processes
 * of their own so they can really crash (SIGKILL) and really freeze (SIGSTOP). Nine Alpaca accounts
 * trade every tick against {@link AlpacaDouble}, which counts every order submission.
 */
@Timeout(420)
class ClusterFailoverTest {
  private static final int ACCOUNTS = 9;
  private static final String KEY_ID = "PKFAILOVER000000001";
  private static final String KEY_SECRET = "failover-secret-000000000001";

  @Test
  @DisplayName("each account owned once; events cross nodes; a killed node's accounts move within 15 s; a frozen node that lost its leases sends nothing; no order twice")
  void failover() throws Exception {
    TestPostgres.TestDatabase db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    AlpacaDouble alpaca = AlpacaDouble.start(vertx, KEY_ID, KEY_SECRET);
    List.of("AAPL").forEach(s -> alpaca.quote(s, "99.99", "100.01").fillMarketOrdersAt(s, "100.00"));
    int pa = ClusterMembershipTest.freePort();
    int pb = ClusterMembershipTest.freePort();
    int pc = ClusterMembershipTest.freePort();
    Map<String, String> common = new HashMap<>(Map.of(
        ConfigKeys.ALPACA_PAPER_URL, alpaca.url(), ConfigKeys.ALPACA_LIVE_URL, alpaca.url(),
        ConfigKeys.ALPACA_DATA_URL, alpaca.url(), ConfigKeys.LEASE_TTL, "4",
        ConfigKeys.ENGINE_TICK_MILLIS, "500", ConfigKeys.VENUE_REQUESTS_PER_MINUTE, "100000"));
    TestGateway a = TestGateway.startClustered(db, merge(common, ClusterMembershipTest.clusterEnv("node-a", pa, pa, pb, pc)));
    Map<String, String> processEnv = merge(common, Map.of(
        ConfigKeys.DB_URL, db.admin().unmasked(),
        ConfigKeys.MASTER_KEY, MasterKeyFormat.hex(TestPostgres.MASTER_KEY.copy()),
        ConfigKeys.JWT_SECRET, TestGateway.JWT_SECRET));
    CompletableFuture<NodeProcess> startB = CompletableFuture.supplyAsync(() -> start("node-b",
        merge(processEnv, ClusterMembershipTest.clusterEnv("node-b", pb, pa, pb, pc))));
    CompletableFuture<NodeProcess> startC = CompletableFuture.supplyAsync(() -> start("node-c",
        merge(processEnv, ClusterMembershipTest.clusterEnv("node-c", pc, pa, pb, pc))));
    NodeProcess b = startB.join();
    NodeProcess c = startC.join();
    try {
      TestGateway.Session admin = a.signedIn("fo", "admin@fo.test", Role.ADMIN);
      TestGateway.Session olive = a.signedIn("fo", "olive@fo.test", Role.OPERATOR);
      Api api = a.api();
      assertThat(api.post("/api/account/keys", olive.accessToken(), new JsonObject().put("provider", "alpaca")
          .put("label", "main").put("keyId", KEY_ID).put("secret", KEY_SECRET)).status()).isEqualTo(201);
      // placement hashes each account's random id over the live nodes, so nine accounts leave one of three nodes
      // with none in about 8 % of runs (3 x (2/3)^9): accounts are added until each node is owed at least one
      List<String> nodes = List.of("node-a", "node-b", "node-c");
      List<UUID> accounts = new ArrayList<>();
      Map<UUID, String> expected = new HashMap<>();
      while (accounts.size() < ACCOUNTS || Set.copyOf(expected.values()).size() < nodes.size()) {
        assertThat(accounts).as("accounts made until each node is owed one").hasSizeLessThan(ACCOUNTS + 20);
        UUID id = UUID.fromString(alpacaAccount(api, admin, olive, "fo-" + accounts.size()));
        accounts.add(id);
        expected.put(id, Placement.owner(id, nodes).orElseThrow());
      }

      // every account owned exactly once, by the node its hash names
      // (placement is by rounds: a node that joins last gets its share a round after the others hold everything)
      TestGateway.eventually(60_000, () -> holders(db).equals(expected));
      Map<UUID, String> before = holders(db);
      assertThat(Set.copyOf(before.values())).containsExactlyInAnyOrder("node-a", "node-b", "node-c");
      TestGateway.eventually(30_000, () -> owned(a.api()) + owned(b.api()) + owned(c.api()) == accounts.size());

      // a socket on node A receives the events of an engine on node B
      UUID onB = accounts.stream().filter(id -> "node-b".equals(before.get(id))).findFirst().orElseThrow();
      try (WsClient socket = WsClient.ready(vertx, a.node().httpPort(), olive.accessToken())) {
        JsonObject subscribed = socket.subscribe("balance", onB.toString());
        assertThat(subscribed.getString("type")).isEqualTo("subscribed");
        long seq = subscribed.getLong("seq");
        JsonObject push = socket.await(f -> "balance".equals(f.getString("type"))
            && onB.toString().equals(f.getString("accountId")) && f.getLong("seq") > seq, Duration.ofSeconds(20));
        assertThat(push.getString("cash")).isNotBlank();
      }

      // a mode change made through node A reaches the engine on node C at once: halted, it trades no more
      UUID onC = accounts.stream().filter(id -> "node-c".equals(before.get(id))).findFirst().orElseThrow();
      Api.Response halted = api.post("/api/accounts/" + onC + "/mode", olive.accessToken(),
          new JsonObject().put("status", "halted").put("reason", "cluster test"));
      assertThat(halted.status()).as(halted.toString()).isEqualTo(200);
      // a tick that was running when the halt arrived finishes first; count after the next one
      awaitTicks(a, onC, 1);
      int haltedOrders = ordersPerAccount(db, Set.of(onC)).getOrDefault(onC, 0);
      awaitTicks(a, onC, 4);
      assertThat(ordersPerAccount(db, Set.of(onC)).getOrDefault(onC, 0)).as("orders of the halted account")
          .isEqualTo(haltedOrders);

      // node B crashes: its accounts resume elsewhere within 15 s
      Set<UUID> bAccounts = before.entrySet().stream().filter(e -> e.getValue().equals("node-b"))
          .map(Map.Entry::getKey).collect(Collectors.toSet());
      long killedAt = System.nanoTime();
      b.kill();
      TestGateway.eventually(15_000, () -> {
        Map<UUID, String> now = holders(db);
        return bAccounts.stream().allMatch(id -> now.containsKey(id) && !now.get(id).equals("node-b"));
      });
      long movedMillis = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(movedMillis).isLessThan(15_000);
      // and they trade again from their new node
      Map<UUID, Integer> sentBefore = ordersPerAccount(db, bAccounts);
      TestGateway.eventually(20_000, () -> ordersPerAccount(db, bAccounts).entrySet().stream()
          .anyMatch(e -> e.getValue() > sentBefore.getOrDefault(e.getKey(), 0)));

      // node C freezes (a long pause): its leases run out, A takes over; thawed, C sends nothing
      Set<UUID> cAccounts = holders(db).entrySet().stream().filter(e -> e.getValue().equals("node-c"))
          .map(Map.Entry::getKey).collect(Collectors.toSet());
      assertThat(cAccounts).isNotEmpty();
      c.freeze();
      TestGateway.eventually(20_000, () -> {
        Map<UUID, String> now = holders(db);
        return cAccounts.stream().allMatch(id -> "node-a".equals(now.get(id)));
      });
      awaitTicks(a, onC, 4); // its new engine, on node A, has ticked
      assertThat(ordersPerAccount(db, Set.of(onC)).getOrDefault(onC, 0)).as("still halted on its new node")
          .isEqualTo(haltedOrders);
      c.thaw();
      // thawed, C's first round gives up what it lost; later rounds hand it a share back under new
      // epochs, so by then its old engines have had every chance to send
      TestGateway.eventually(10_000, () -> c.output().stream().anyMatch(l -> l.contains("Lost the lease")));
      TestGateway.eventually(30_000, () -> owned(c.api()) > 0);

      // at the venue: no intent became two orders. A node killed between the venue's answer and its own
      // record leaves the order pending; its new holder sends it again with the same client order id,
      // which the venue refuses as a duplicate (and the engine then reads the order the venue has).
      Map<String, Long> accepted = accepted(alpaca);
      assertThat(accepted).isNotEmpty();
      assertThat(accepted.entrySet()).allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1L));
      // the engines keep trading, so the venue's book and its log of answers are read at two moments:
      // they must agree at a moment between two submissions
      TestGateway.eventually(10_000, () -> alpaca.ordersHeld() == accepted(alpaca).size());
      // and every order the engines recorded as filled is one the venue holds
      Set<String> filled = query(db, "SELECT client_order_id FROM engine.orders WHERE status = 'filled'", rs -> {
        Set<String> out = new java.util.HashSet<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      });
      // (the venue's log read after the fills: an order filled after the first read above is in it too)
      assertThat(accepted(alpaca).keySet()).containsAll(filled);
      // the dead node holds nothing; the thawed one is a live member again and gets its share back by hand-over
      assertThat(holders(db)).doesNotContainValue("node-b");
    } finally {
      b.close();
      c.close();
      a.close();
      alpaca.close();
      vertx.close();
    }
  }

  private static NodeProcess start(String name, Map<String, String> env) {
    try {
      return NodeProcess.start(name, env);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new HashMap<>(a);
    out.putAll(b);
    return out;
  }

  private static String alpacaAccount(Api api, TestGateway.Session admin, TestGateway.Session owner, String name) {
    JsonObject body = TradingAccountFixtures.simAccount(name, owner.userId()).put("venue", "alpaca")
        .put("credentialLabel", "main");
    body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "1000").put("sellAbove", "1000000");
    body.getJsonObject("risk").put("dailyCapUsd", "1000000");
    Api.Response created = api.post("/api/accounts", admin.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    flow(api, admin, new JsonObject().put("type", "deposit").put("userId", owner.userId()).put("amount", "100000"));
    flow(api, admin, new JsonObject().put("type", "allocate").put("userId", owner.userId()).put("accountId", id)
        .put("amount", "100000"));
    return id;
  }

  private static void flow(Api api, TestGateway.Session admin, JsonObject flow) {
    Api.Response r = api.postKeyed("/api/capital-flows", admin.accessToken(), flow.put("currency", "USD"),
        UUID.randomUUID().toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  /** Accounts with a valid lease (not released, its holder's heartbeat live) and their holder, read as the table owner. */
  private static Map<UUID, String> holders(TestPostgres.TestDatabase db) {
    return query(db, "SELECT l.account_id, l.node_id FROM engine.leases l JOIN engine.nodes n ON n.node_id = l.node_id "
        + "WHERE NOT l.released AND n.expires_at > now()", rs -> {
      Map<UUID, String> out = new HashMap<>();
      while (rs.next()) {
        out.put(UUID.fromString(rs.getString(1)), rs.getString(2));
      }
      return out;
    });
  }

  private static Map<UUID, Integer> ordersPerAccount(TestPostgres.TestDatabase db, Set<UUID> accounts) {
    return query(db, "SELECT account_id, count(*) FROM engine.orders WHERE status = 'filled' GROUP BY account_id", rs -> {
      Map<UUID, Integer> out = new HashMap<>();
      while (rs.next()) {
        UUID id = UUID.fromString(rs.getString(1));
        if (accounts.contains(id)) {
          out.put(id, rs.getInt(2));
        }
      }
      return out;
    });
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws Exception;
  }

  private static <T> T query(TestPostgres.TestDatabase db, String sql, Reader<T> reader) {
    try (Connection conn = DatabaseBootstrap.connect(db.admin()); Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      return reader.read(rs);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the account's engine, on whichever node holds it, has completed {@code more} ticks
   * counted from the first answer. Until Hazelcast drops a frozen member (6 s), a request may still
   * be routed to its stale handler and time out: that answer is "not yet".
   */
  private static void awaitTicks(TestGateway via, UUID account, int more) {
    long[] from = {-1};
    TestGateway.eventually(60_000, () -> {
      long now;
      try {
        now = EngineProbe.ticks(via, account.toString());
      } catch (IllegalStateException timedOut) {
        return false;
      }
      if (from[0] < 0) {
        from[0] = now;
      }
      return now >= from[0] + more;
    });
  }

  /** This node's owned-accounts gauge from its /metrics (-1 when it does not answer). */
  private static int owned(Api api) {
    try {
      Api.Response r = api.get("/metrics", null);
      return r.body().lines().filter(l -> l.startsWith("keyway_engine_accounts_owned"))
          .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Accepted order submissions the venue answered, by client order id. */
  private static Map<String, Long> accepted(AlpacaDouble alpaca) {
    return alpaca.seen().stream()
        .filter(s -> s.orderSubmission() && s.status() < 300)
        .collect(Collectors.groupingBy(AlpacaDouble.Seen::clientOrderId, Collectors.counting()));
  }
}

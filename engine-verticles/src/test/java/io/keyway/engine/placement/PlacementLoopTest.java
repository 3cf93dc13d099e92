package io.keyway.engine.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.keyway.engine.account.AccountStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Placement loops over one real PostgreSQL, driven round by round: every account is owned exactly
 * once, a silent node's accounts move once its heartbeat runs out, a node that comes back from a
 * pause gives up what it lost before anything else and keeps what nobody took, a clean exit hands
 * over at once, and a round in which nothing changed sends one statement and touches no lease.
 */
@Timeout(90)
class PlacementLoopTest {
  private static final Duration TTL = Duration.ofMillis(1_500);
  private static Vertx vertx;
  private static Pool pool;
  private static TestPostgres.TestDatabase db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A database per test, so that no test sees another's nodes as live members. */
  @BeforeEach
  void freshDatabase() {
    db = TestPostgres.freshDatabase();
    pool = db.appPool(vertx);
  }

  @AfterEach
  void closePool() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * Records which node runs which engine, and notes a violation if an engine starts while another
   * node still holds a lease it considers live (a paused node's engine may linger, but it may not
   * trade: its own lease has run out, and that is what the fence checks).
   */
  static final class Running {
    final Map<UUID, String> by = new ConcurrentHashMap<>();
    final Map<String, PlacementLoop> loops = new ConcurrentHashMap<>();
    final List<String> violations = new ArrayList<>();
    final Map<UUID, Integer> starts = new ConcurrentHashMap<>();

    PlacementLoop.Engines of(String node) {
      return new PlacementLoop.Engines() {
        @Override
        public Future<Void> start(UUID tenantId, Lease lease) {
          String other = by.put(lease.accountId(), node);
          if (other != null && !other.equals(node) && loops.get(other).lease(lease.accountId()).isPresent()) {
            violations.add(lease.accountId() + " started on " + node + " while running on " + other);
          }
          starts.merge(lease.accountId(), 1, Integer::sum);
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> stop(UUID accountId) {
          by.remove(accountId, node);
          return Future.succeededFuture();
        }
      };
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("owned exactly once, spread, moved off a silent node after its lease, fenced on its return, handed over on a clean exit")
  void lifecycle() throws Exception {
    LeaseStore store = new LeaseStore(pool, TTL, Duration.ofMillis(300));
    UUID tenant = UUID.randomUUID();
    List<AccountStore.Located> accounts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      accounts.add(new AccountStore.Located(UUID.randomUUID(), tenant, "active"));
    }
    Running running = new Running();
    Map<String, PlacementLoop> nodes = new LinkedHashMap<>();
    for (String n : List.of("node-1", "node-2", "node-3")) {
      nodes.put(n, new PlacementLoop(n, store, () -> Future.succeededFuture(accounts), running.of(n)));
      running.loops.put(n, nodes.get(n));
    }

    // beats first, so that every node sees all three before anyone places
    for (PlacementLoop l : nodes.values()) {
      await(store.heartbeat(l.nodeId()));
    }
    roundsOf(nodes.values(), 3);
    assertOwnedOnce(nodes.values(), accounts, store);
    for (PlacementLoop l : nodes.values()) {
      assertThat(l.owned()).as(l.nodeId()).isBetween(4, 18);
    }

    // node-3 goes silent (paused or cut off): it runs no rounds, its heartbeat runs out
    PlacementLoop silent = nodes.get("node-3");
    Set<UUID> itsAccounts = Set.copyOf(running.by.entrySet().stream()
        .filter(e -> e.getValue().equals("node-3")).map(Map.Entry::getKey).toList());
    // the survivors keep running rounds (each a few statements) until the leases have moved
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<PlacementLoop> survivors = List.of(nodes.get("node-1"), nodes.get("node-2"));
    while (!movedOff(await(store.holders()), itsAccounts, "node-3")) {
      assertThat(System.nanoTime() - deadline).as("moved within 20 s").isNegative();
      roundsOf(survivors, 1);
    }
    for (UUID a : itsAccounts) {
      assertThat(silent.lease(a)).as("the silent node's own clock has given up " + a).isEmpty();
    }
    // the silent node comes back: its first round stops every engine it lost (here: all of them)
    await(silent.round());
    assertThat(silent.owned()).as("it dropped every lease it lost, and took none still held").isZero();
    assertThat(running.by.values()).doesNotContain("node-3");
    assertThat(running.starts.values()).as("each moved account started once more, on one node").allMatch(n -> n <= 2);
    assertThat(running.violations).isEmpty();
    roundsOf(nodes.values(), 4);
    assertOwnedOnce(nodes.values(), accounts, store);
    assertThat(silent.owned()).as("it gets its share back through hand-over").isPositive();

    // a clean exit hands over at once, with no wait for the lease to run out
    Map<UUID, Long> epochs = new HashMap<>();
    PlacementLoop leaving = nodes.get("node-1");
    accounts.forEach(a -> leaving.lease(a.accountId()).ifPresent(l -> epochs.put(a.accountId(), l.epoch())));
    await(leaving.leave());
    List<PlacementLoop> rest = List.of(nodes.get("node-2"), nodes.get("node-3"));
    roundsOf(rest, 2);
    assertOwnedOnce(rest, accounts, store);
    epochs.forEach((a, e) -> assertThat(rest.stream().map(l -> l.lease(a)).filter(java.util.Optional::isPresent)
        .map(o -> o.get().epoch()).findFirst().orElseThrow()).isGreaterThan(e));
    assertThat(running.violations).isEmpty();
  }

  @Test
  @DisplayName("a round in which nothing changed sends one statement (the heartbeat), reads no account and updates no lease row; an announced account costs one more")
  void quietRoundCostsOneStatement() throws Exception {
    AtomicInteger statements = new AtomicInteger();
    LeaseStore store = new LeaseStore(counting(pool, statements), TTL, Duration.ofMillis(300));
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    List<AccountStore.Located> accounts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      accounts.add(new AccountStore.Located(UUID.randomUUID(), i % 2 == 0 ? tenantA : tenantB, "active"));
    }
    AtomicInteger reads = new AtomicInteger();
    Running running = new Running();
    PlacementLoop loop = new PlacementLoop("quiet-1", store, () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(List.copyOf(accounts));
    }, running.of("quiet-1"), Duration.ofHours(1));
    running.loops.put("quiet-1", loop);
    roundsOf(List.of(loop), 2);
    assertThat(loop.owned()).isEqualTo(40);
    assertThat(reads).as("read in full once, at the first round").hasValue(1);

    Map<UUID, String> rowVersions = leaseRowVersions();
    statements.set(0);
    roundsOf(List.of(loop), 5);
    assertThat(statements).as("one heartbeat a round, nothing else").hasValue(5);
    assertThat(reads).as("no account read").hasValue(1);
    assertThat(leaseRowVersions()).as("no lease row written").isEqualTo(rowVersions);
    accounts.forEach(a -> assertThat(loop.lease(a.accountId())).isPresent());

    // an account created in tenant B is announced: the next round places it alone
    UUID created = UUID.randomUUID();
    accounts.add(new AccountStore.Located(created, tenantB, "active"));
    loop.accountChanged(tenantB, created);
    statements.set(0);
    await(loop.round());
    assertThat(statements).as("the heartbeat and one take").hasValue(2);
    assertThat(reads).hasValue(1);
    assertThat(loop.lease(created)).isPresent();
    assertThat(running.by).containsEntry(created, "quiet-1");
    assertThat(leaseRowVersions()).hasSize(41).containsAllEntriesOf(rowVersions);
    await(loop.leave());
  }

  @Test
  @DisplayName("an account whose announcement was lost is placed by the periodic full read, in either tenant")
  void fullReadIsTheSafetyNet() {
    LeaseStore store = new LeaseStore(pool, TTL, Duration.ofMillis(300));
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    List<AccountStore.Located> accounts = new java.util.concurrent.CopyOnWriteArrayList<>(
        List.of(new AccountStore.Located(UUID.randomUUID(), tenantA, "active")));
    AtomicInteger reads = new AtomicInteger();
    Running running = new Running();
    PlacementLoop loop = new PlacementLoop("net-1", store, () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(List.copyOf(accounts));
    }, running.of("net-1"), Duration.ofMillis(300));
    running.loops.put("net-1", loop);
    await(loop.round());
    int readsBefore = reads.get();
    UUID unannounced = UUID.randomUUID();
    accounts.add(new AccountStore.Located(unannounced, tenantB, "active"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (loop.lease(unannounced).isEmpty()) {
      assertThat(System.nanoTime() - deadline).as("placed within 20 s").isNegative();
      await(loop.round());
    }
    assertThat(reads.get()).as("placed by a full read, not by an announcement").isGreaterThan(readsBefore);
    assertThat(loop.owned()).isEqualTo(2);
    await(loop.leave());
  }

  @Test
  @DisplayName("a node frozen past its heartbeat is fenced by its own clock; back, it keeps the accounts nobody took at the same epoch, and loses to a higher epoch those another node took")
  void frozenNodeFencedThenResumes() throws Exception {
    LeaseStore store = new LeaseStore(pool, TTL, Duration.ofMillis(300));
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    // once other-1 is live too, placement gives it takenAway and leaves kept where it is
    List<String> both = List.of("frozen-1", "other-1");
    UUID kept = accountPlacedOn("frozen-1", both);
    UUID takenAway = accountPlacedOn("other-1", both);
    List<AccountStore.Located> accounts = new ArrayList<>(List.of(new AccountStore.Located(kept, tenantA, "active"),
        new AccountStore.Located(takenAway, tenantB, "active")));
    for (int i = 0; i < 10; i++) {
      accounts.add(new AccountStore.Located(UUID.randomUUID(), i % 2 == 0 ? tenantA : tenantB, "active"));
    }
    Running running = new Running();
    PlacementLoop frozen = new PlacementLoop("frozen-1", store, () -> Future.succeededFuture(accounts),
        running.of("frozen-1"));
    running.loops.put("frozen-1", frozen);
    await(frozen.round());
    assertThat(frozen.owned()).isEqualTo(12);
    long keptEpoch = frozen.lease(kept).orElseThrow().epoch();
    long takenEpoch = frozen.lease(takenAway).orElseThrow().epoch();
    Fence keptFence = frozen.fence(kept, keptEpoch);
    Fence takenFence = frozen.fence(takenAway, takenEpoch);
    await(keptFence.check());

    // frozen: no rounds; its own clock gives up first, then the database lets others take over
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (frozen.lease(kept).isPresent() || await(store.holders()).containsKey(kept)) {
      assertThat(System.nanoTime() - deadline).as("expired within 20 s").isNegative();
      await(vertx.timer(50));
    }
    assertThat(failure(keptFence)).as("fenced locally, while frozen").isInstanceOf(PlacementLoop.FencedException.class);
    await(store.heartbeat("other-1"));
    Lease other = await(store.acquire("other-1", List.of(takenAway))).get(0);
    assertThat(other.epoch()).isGreaterThan(takenEpoch);

    // it resumes and beats again
    await(frozen.round());
    assertThat(frozen.lease(takenAway)).as("taken by another node: lost").isEmpty();
    assertThat(running.by).doesNotContainKey(takenAway);
    assertThat(failure(takenFence)).isInstanceOf(PlacementLoop.FencedException.class);
    assertThat(frozen.lease(kept)).as("nobody took it: kept at the same epoch").contains(new Lease(kept, keptEpoch));
    await(keptFence.check());
    assertThat(running.starts.get(kept)).as("its engine was not restarted").isEqualTo(1);
    assertThat(running.by).containsEntry(kept, "frozen-1");
    await(store.leave("other-1"));
    await(frozen.leave());
  }

  @Test
  @DisplayName("a node whose heartbeat expired in the database fails the fence at once; another node takes its accounts with a higher epoch and its next round stops their engines")
  void expiredHeartbeatLosesAccounts() throws Exception {
    LeaseStore store = new LeaseStore(pool, Duration.ofSeconds(30), Duration.ofSeconds(5));
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    List<AccountStore.Located> accounts = List.of(new AccountStore.Located(UUID.randomUUID(), tenantA, "active"),
        new AccountStore.Located(UUID.randomUUID(), tenantB, "active"));
    Running running = new Running();
    PlacementLoop first = new PlacementLoop("expiring-1", store, () -> Future.succeededFuture(accounts),
        running.of("expiring-1"));
    PlacementLoop second = new PlacementLoop("expiring-2", store, () -> Future.succeededFuture(accounts),
        running.of("expiring-2"));
    running.loops.put("expiring-1", first);
    running.loops.put("expiring-2", second);
    await(first.round());
    assertThat(first.owned()).isEqualTo(2);
    UUID account = accounts.get(0).accountId();
    long epoch = first.lease(account).orElseThrow().epoch();
    Fence fence = first.fence(account, epoch);
    await(fence.check());

    LeaseStoreTest.expireHeartbeat(db, "expiring-1");
    assertThat(failure(fence)).as("the database no longer counts it live").isInstanceOf(PlacementLoop.FencedException.class);
    await(second.round());
    assertThat(second.owned()).as("took both: its only live peer is itself").isEqualTo(2);
    assertThat(second.lease(account).orElseThrow().epoch()).isGreaterThan(epoch);
    await(first.round());
    assertThat(first.owned()).as("its next round found them lost").isZero();
    assertThat(running.by).containsEntry(account, "expiring-2");
    assertThat(failure(fence)).isInstanceOf(PlacementLoop.FencedException.class);
    await(first.leave());
    await(second.leave());
  }

  private static UUID accountPlacedOn(String node, List<String> nodes) {
    UUID id = UUID.randomUUID();
    while (!Placement.owner(id, nodes).orElseThrow().equals(node)) {
      id = UUID.randomUUID();
    }
    return id;
  }

  private static Throwable failure(Fence fence) {
    try {
      fence.check().await(20, TimeUnit.SECONDS);
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("the fence passed");
  }

  /** A pool that counts the statements sent through it. */
  private static Pool counting(Pool pool, AtomicInteger statements) {
    return (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, (p, m, args) -> {
      if (m.getName().equals("query") || m.getName().equals("preparedQuery")) {
        statements.incrementAndGet();
      }
      try {
        return m.invoke(pool, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  /** Every lease row's version (its xmin), read as the table owner: a row written anew gets a new one. */
  private static Map<UUID, String> leaseRowVersions() throws Exception {
    Map<UUID, String> out = new HashMap<>();
    try (Connection c = DatabaseBootstrap.connect(db.admin());
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT account_id, xmin::text AS v FROM engine.leases WHERE node_id = 'quiet-1'")) {
      while (r.next()) {
        out.put(r.getObject("account_id", UUID.class), r.getString("v"));
      }
    }
    return out;
  }

  private static boolean movedOff(Map<UUID, String> holders, Set<UUID> accounts, String node) {
    return accounts.stream().allMatch(a -> holders.containsKey(a) && !holders.get(a).equals(node));
  }

  private static void roundsOf(Iterable<PlacementLoop> loops, int rounds) {
    for (int i = 0; i < rounds; i++) {
      for (PlacementLoop l : loops) {
        await(l.round());
      }
    }
  }

  private static void assertOwnedOnce(List<PlacementLoop> loops, List<AccountStore.Located> accounts,
      LeaseStore store) {
    Map<UUID, String> holders = await(store.holders());
    for (AccountStore.Located a : accounts) {
      List<String> local = loops.stream().filter(l -> l.lease(a.accountId()).isPresent()).map(PlacementLoop::nodeId).toList();
      assertThat(local).as("nodes holding " + a.accountId()).hasSize(1);
      assertThat(holders.get(a.accountId())).isEqualTo(local.get(0));
    }
  }

  private static void assertOwnedOnce(java.util.Collection<PlacementLoop> loops, List<AccountStore.Located> accounts,
      LeaseStore store) {
    assertOwnedOnce(List.copyOf(loops), accounts, store);
  }
}

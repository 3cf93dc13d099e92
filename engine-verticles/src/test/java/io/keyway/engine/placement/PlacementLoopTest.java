package io.keyway.engine.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.TestPostgres;
import io.keyway.engine.account.AccountStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes' placement loops over one real PostgreSQL, driven round by round: every account is
 * owned exactly once, a silent node's accounts move once its leases run out, a node that comes back
 * from a pause gives up what it lost before anything else, and a clean exit hands over at once.
 */
@Timeout(90)
class PlacementLoopTest {
  private static final Duration TTL = Duration.ofMillis(1_500);
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestPostgres.freshDatabase().appPool(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
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

    // node-3 goes silent (paused or cut off): it runs no rounds, its leases run out
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
    // the silent node comes back: its first round stops every engine it lost
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

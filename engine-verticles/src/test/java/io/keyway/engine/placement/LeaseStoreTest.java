package io.keyway.engine.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Leases against a real PostgreSQL, as the runtime role. */
@Timeout(60)
class LeaseStoreTest {
  private static Vertx vertx;
  private static Pool pool;
  private static TestPostgres.TestDatabase db;
  private static LeaseStore store;

  @BeforeAll
  static void start() {
    db = TestPostgres.freshDatabase();
    vertx = Vertx.vertx();
    pool = db.appPool(vertx);
    store = new LeaseStore(pool, Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Moves a lease's expiry into the past, as the passing of its time would (as the table owner). */
  private static void expire(UUID account) throws Exception {
    try (Connection c = DatabaseBootstrap.connect(db.admin());
         Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE engine.leases SET expires_at = now() - interval '1 second' WHERE account_id = '"
          + account + "'");
    }
  }

  @Test
  @DisplayName("one holder per account: a held lease cannot be taken, an expired one can, with a higher epoch that fences the old holder")
  void exclusiveAndFenced() throws Exception {
    UUID account = UUID.randomUUID();
    List<Lease> a = await(store.acquire("node-a", List.of(account)));
    assertThat(a).hasSize(1);
    long epochA = a.get(0).epoch();
    assertThat(await(store.acquire("node-b", List.of(account)))).isEmpty();
    assertThat(await(store.holds("node-a", account, epochA))).isTrue();
    assertThat(await(store.holds("node-b", account, epochA))).isFalse();

    expire(account);
    assertThat(await(store.holds("node-a", account, epochA))).as("an expired lease fences its holder").isFalse();
    List<Lease> b = await(store.acquire("node-b", List.of(account)));
    assertThat(b).hasSize(1);
    assertThat(b.get(0).epoch()).isGreaterThan(epochA);

    // the old holder, back from a pause, can neither renew nor pass the fence
    assertThat(await(store.renew("node-a", a))).isEmpty();
    assertThat(await(store.holds("node-a", account, epochA))).isFalse();
    assertThat(await(store.holds("node-b", account, b.get(0).epoch()))).isTrue();
    assertThat(await(store.holders())).containsEntry(account, "node-b");
  }

  @Test
  @DisplayName("renewal keeps a lease; release frees it at once and the next holder raises the epoch")
  void renewAndRelease() {
    UUID account = UUID.randomUUID();
    Lease held = await(store.acquire("node-a", List.of(account))).get(0);
    List<Lease> renewed = await(store.renew("node-a", List.of(held)));
    assertThat(renewed).extracting(Lease::epoch).containsExactly(held.epoch());
    assertThat(renewed.get(0).liveAt(System.nanoTime())).isTrue();
    assertThat(renewed.get(0).liveAt(System.nanoTime() + Duration.ofSeconds(5).toNanos()))
        .as("this node gives the lease up before the database would let another node take it").isFalse();

    await(store.release("node-a", held));
    assertThat(await(store.holds("node-a", account, held.epoch()))).isFalse();
    Lease next = await(store.acquire("node-b", List.of(account))).get(0);
    assertThat(next.epoch()).isEqualTo(held.epoch() + 1);
  }

  @Test
  @DisplayName("a restarted node takes its own leases back at once, with a new epoch")
  void restartTakesOwnBack() {
    UUID account = UUID.randomUUID();
    Lease before = await(store.acquire("node-r", List.of(account))).get(0);
    Lease after = await(store.acquire("node-r", List.of(account))).get(0);
    assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
    assertThat(await(store.holds("node-r", account, before.epoch()))).isFalse();
  }

  @Test
  @DisplayName("eight nodes racing for the same 200 accounts: each account is won exactly once")
  void concurrentAcquire() {
    List<UUID> accounts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      accounts.add(UUID.randomUUID());
    }
    List<Future<List<Lease>>> races = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      List<UUID> shuffled = new ArrayList<>(accounts);
      java.util.Collections.shuffle(shuffled, new java.util.Random(n));
      races.add(store.acquire("racer-" + n, shuffled));
    }
    await(Future.all(races));
    Map<UUID, Integer> wins = new HashMap<>();
    races.forEach(f -> f.result().forEach(l -> wins.merge(l.accountId(), 1, Integer::sum)));
    assertThat(wins).hasSize(200);
    assertThat(Set.copyOf(wins.values())).containsExactly(1);
  }

  @Test
  @DisplayName("heartbeats list the live nodes; a node that leaves is gone and its leases are free")
  void membership() {
    assertThat(await(store.heartbeat("member-1"))).contains("member-1");
    assertThat(await(store.heartbeat("member-2"))).contains("member-1", "member-2");
    UUID account = UUID.randomUUID();
    Lease l = await(store.acquire("member-2", List.of(account))).get(0);
    await(store.leave("member-2"));
    assertThat(await(store.heartbeat("member-1"))).contains("member-1").doesNotContain("member-2");
    assertThat(await(store.holds("member-2", account, l.epoch()))).isFalse();
    assertThat(await(store.acquire("member-1", List.of(account)))).hasSize(1);
  }
}

package io.keyway.engine.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final Duration MARGIN = Duration.ofSeconds(1);
  private static Vertx vertx;
  private static Pool pool;
  private static TestPostgres.TestDatabase db;
  private static LeaseStore store;

  @BeforeAll
  static void start() {
    db = TestPostgres.freshDatabase();
    vertx = Vertx.vertx();
    pool = db.appPool(vertx);
    store = new LeaseStore(pool, TTL, MARGIN);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Moves a node's heartbeat expiry into the past, as the passing of its time would (as the table owner). */
  static void expireHeartbeat(TestPostgres.TestDatabase db, String node) throws Exception {
    try (Connection c = DatabaseBootstrap.connect(db.admin());
         PreparedStatement s = c.prepareStatement(
             "UPDATE engine.nodes SET expires_at = now() - interval '1 second' WHERE node_id = ?")) {
      s.setString(1, node);
      assertThat(s.executeUpdate()).as("heartbeat row of " + node).isEqualTo(1);
    }
  }

  private static Lease take(String node, UUID account) {
    List<Lease> won = await(store.acquire(node, List.of(account)));
    assertThat(won).as(node + " takes " + account).hasSize(1);
    return won.get(0);
  }

  @Test
  @DisplayName("one holder per account: a lease is kept by its holder's heartbeat, taken once that expires, with a higher epoch that fences the old holder even after it beats again")
  void exclusiveAndFenced() throws Exception {
    UUID account = UUID.randomUUID();
    await(store.heartbeat("node-a"));
    await(store.heartbeat("node-b"));
    long epochA = take("node-a", account).epoch();
    assertThat(await(store.acquire("node-b", List.of(account)))).as("held by a live node").isEmpty();
    assertThat(await(store.holds("node-a", account, epochA))).isTrue();
    assertThat(await(store.holds("node-b", account, epochA))).isFalse();

    expireHeartbeat(db, "node-a");
    assertThat(await(store.holds("node-a", account, epochA))).as("an expired heartbeat fences its node").isFalse();
    assertThat(await(store.holders())).doesNotContainKey(account);
    Lease b = take("node-b", account);
    assertThat(b.epoch()).isGreaterThan(epochA);

    // the old holder, back from a pause, beats again: the account stays with node-b
    await(store.heartbeat("node-a"));
    assertThat(await(store.holds("node-a", account, epochA))).isFalse();
    assertThat(await(store.heldBy("node-a"))).doesNotContainKey(account);
    assertThat(await(store.holds("node-b", account, b.epoch()))).isTrue();
    assertThat(await(store.holders())).containsEntry(account, "node-b");
  }

  @Test
  @DisplayName("a node whose heartbeat expired and comes back keeps, at the same epoch, every account nobody took meanwhile")
  void resumedNodeKeepsWhatNobodyTook() throws Exception {
    UUID taken = UUID.randomUUID();
    UUID untouched = UUID.randomUUID();
    await(store.heartbeat("node-p"));
    await(store.heartbeat("node-q"));
    List<Lease> held = await(store.acquire("node-p", List.of(taken, untouched)));
    assertThat(held).hasSize(2);
    expireHeartbeat(db, "node-p");
    assertThat(take("node-q", taken).epoch()).isGreaterThan(held.get(0).epoch());

    await(store.heartbeat("node-p"));
    Map<UUID, Lease> mine = await(store.heldBy("node-p"));
    assertThat(mine).containsOnlyKeys(untouched);
    long epoch = mine.get(untouched).epoch();
    assertThat(held).contains(new Lease(untouched, epoch));
    assertThat(await(store.holds("node-p", untouched, epoch))).isTrue();
    assertThat(await(store.acquire("node-q", List.of(untouched)))).as("live again, so not free").isEmpty();
  }

  @Test
  @DisplayName("a heartbeat gives a local deadline before the database's; release frees a lease at once and the next holder raises the epoch")
  void deadlineAndRelease() {
    UUID account = UUID.randomUUID();
    LeaseStore.Beat beat = await(store.heartbeat("node-a"));
    long answered = System.nanoTime();
    assertThat(beat.live()).contains("node-a");
    // the database ran the heartbeat before its answer came back, and keeps the node for the TTL from then
    assertThat(beat.deadlineNanos() - answered)
        .as("this node gives its leases up a margin before the database would let another node take them")
        .isPositive().isLessThanOrEqualTo(TTL.minus(MARGIN).toNanos());

    Lease held = take("node-a", account);
    await(store.heartbeat("node-b"));
    await(store.release("node-a", List.of(held)));
    assertThat(await(store.holds("node-a", account, held.epoch()))).isFalse();
    assertThat(take("node-b", account).epoch()).isEqualTo(held.epoch() + 1);
  }

  @Test
  @DisplayName("a restarted node takes its own leases back at once, with a new epoch")
  void restartTakesOwnBack() {
    UUID account = UUID.randomUUID();
    await(store.heartbeat("node-r"));
    Lease before = take("node-r", account);
    Lease after = take("node-r", account);
    assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
    assertThat(await(store.holds("node-r", account, before.epoch()))).isFalse();
    assertThat(await(store.holds("node-r", account, after.epoch()))).isTrue();
  }

  @Test
  @DisplayName("a node without a live heartbeat takes nothing, even a free account")
  void noHeartbeatNoTake() throws Exception {
    UUID account = UUID.randomUUID();
    assertThat(await(store.acquire("never-beat", List.of(account)))).isEmpty();
    await(store.heartbeat("lapsed"));
    expireHeartbeat(db, "lapsed");
    assertThat(await(store.acquire("lapsed", List.of(account)))).isEmpty();
    assertThat(await(store.holders())).doesNotContainKey(account);
  }

  @Test
  @DisplayName("eight nodes racing for the same 200 accounts: each account is won exactly once")
  void concurrentAcquire() {
    List<UUID> accounts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      accounts.add(UUID.randomUUID());
    }
    for (int n = 0; n < 8; n++) {
      await(store.heartbeat("racer-" + n));
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
    assertThat(await(store.heartbeat("member-1")).live()).contains("member-1");
    assertThat(await(store.heartbeat("member-2")).live()).contains("member-1", "member-2");
    UUID account = UUID.randomUUID();
    Lease l = take("member-2", account);
    await(store.leave("member-2"));
    assertThat(await(store.heartbeat("member-1")).live()).contains("member-1").doesNotContain("member-2");
    assertThat(await(store.holds("member-2", account, l.epoch()))).isFalse();
    assertThat(take("member-1", account).epoch()).isGreaterThan(l.epoch());
  }
}

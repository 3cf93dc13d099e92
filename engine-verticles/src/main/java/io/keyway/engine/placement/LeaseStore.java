package io.keyway.engine.placement;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Node heartbeats and account leases in PostgreSQL: the one place that decides who may trade for an
 * account, safe under a network partition because it needs the database, not the cluster, to
 * agree. All times are the database's.
 *
 * <p>A lease row names its holder and epoch and has no expiry of its own: it is valid while it is
 * not released and its holder's heartbeat row ({@code engine.nodes.expires_at}) is in the future. So
 * the node's one heartbeat a round keeps all its leases, however many. A lease is taken only when
 * released, when its holder's heartbeat has expired (or the holder left), or by its own holder after
 * a restart; every take raises its epoch, and checking names the epoch, so a node that lost a lease
 * cannot pass {@link #holds}.
 */
public final class LeaseStore {
  private static final String HEARTBEAT = """
      WITH beat AS (
        INSERT INTO engine.nodes (node_id, expires_at)
          VALUES ($1, now() + $2 * interval '1 millisecond')
        ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
        RETURNING node_id)
      SELECT node_id FROM engine.nodes WHERE expires_at > now()
      UNION SELECT node_id FROM beat""";
  private static final String LEAVE = "DELETE FROM engine.nodes WHERE node_id = $1";
  /** Takes only while the taker's own heartbeat is live; locks the lease rows in account order. */
  private static final String ACQUIRE = """
      INSERT INTO engine.leases AS l (account_id, node_id, epoch, released)
      SELECT a, $2, 1, false FROM unnest($1::uuid[]) AS a
      WHERE EXISTS (SELECT 1 FROM engine.nodes WHERE node_id = $2 AND expires_at > now())
      ORDER BY a
      ON CONFLICT (account_id) DO UPDATE
        SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1, released = false
        WHERE l.released OR l.node_id = EXCLUDED.node_id
          OR NOT EXISTS (SELECT 1 FROM engine.nodes n WHERE n.node_id = l.node_id AND n.expires_at > now())
      RETURNING account_id, epoch""";
  /** Releases several leases, locking their rows in account order as {@link #ACQUIRE} does. */
  private static final String RELEASE = """
      WITH mine AS (
        SELECT l.account_id FROM engine.leases l
        JOIN unnest($1::uuid[], $2::bigint[]) AS h(account_id, epoch) ON h.account_id = l.account_id
        WHERE l.node_id = $3 AND l.epoch = h.epoch AND NOT l.released
        ORDER BY l.account_id FOR UPDATE OF l)
      UPDATE engine.leases SET released = true WHERE account_id IN (SELECT account_id FROM mine)""";
  private static final String HOLDS = """
      SELECT 1 FROM engine.leases l JOIN engine.nodes n ON n.node_id = l.node_id
      WHERE l.account_id = $1 AND l.node_id = $2 AND l.epoch = $3 AND NOT l.released AND n.expires_at > now()""";
  private static final String HELD_BY =
      "SELECT account_id, epoch FROM engine.leases WHERE node_id = $1 AND NOT released";
  private static final String HOLDERS = """
      SELECT l.account_id, l.node_id FROM engine.leases l JOIN engine.nodes n ON n.node_id = l.node_id
      WHERE NOT l.released AND n.expires_at > now()""";

  /**
   * What a heartbeat answers: every live node (this one included, sorted), and the local monotonic
   * deadline ({@link System#nanoTime}) until which this node may count its leases valid: measured
   * from before the heartbeat was sent, minus a margin, so it always falls before the database lets
   * another node take them.
   */
  public record Beat(List<String> live, long deadlineNanos) {}

  private final Pool pool;
  private final Duration ttl;
  private final Duration margin;

  /**
   * @param ttl how long a heartbeat keeps a node, and so its leases, live
   * @param margin how much earlier than the database this node gives its leases up by itself
   */
  public LeaseStore(Pool pool, Duration ttl, Duration margin) {
    if (margin.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("the margin must be shorter than the lease");
    }
    this.pool = pool;
    this.ttl = ttl;
    this.margin = margin;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Records that {@code nodeId} is alive, which keeps every lease it holds; answers the live nodes. */
  public Future<Beat> heartbeat(String nodeId) {
    long sent = System.nanoTime();
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(nodeId, ttl.toMillis())).map(rows -> {
      List<String> live = new ArrayList<>();
      rows.forEach(r -> live.add(r.getString("node_id")));
      live.sort(null);
      return new Beat(List.copyOf(live), sent + ttl.minus(margin).toNanos());
    });
  }

  /** A clean exit: the node's heartbeat row goes, so it is no longer live and its leases are free at once. */
  public Future<Void> leave(String nodeId) {
    return pool.preparedQuery(LEAVE).execute(Tuple.of(nodeId)).mapEmpty();
  }

  /**
   * Takes whichever of {@code accounts} are free; answers the leases won, each with a new epoch. Takes
   * nothing while this node's own heartbeat is not live. Rows are locked in account order, so nodes
   * racing for overlapping sets cannot deadlock.
   */
  public Future<List<Lease>> acquire(String nodeId, Collection<UUID> accounts) {
    if (accounts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(ACQUIRE).execute(Tuple.of(accounts.toArray(new UUID[0]), nodeId))
        .map(rows -> {
          List<Lease> won = new ArrayList<>();
          for (Row r : rows) {
            won.add(new Lease(r.getUUID("account_id"), r.getLong("epoch")));
          }
          return won;
        });
  }

  /** Gives leases up now (their epochs stay, the next holder raises them). */
  public Future<Void> release(String nodeId, Collection<Lease> released) {
    if (released.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] ids = new UUID[released.size()];
    Long[] epochs = new Long[released.size()];
    int i = 0;
    for (Lease l : released) {
      ids[i] = l.accountId();
      epochs[i++] = l.epoch();
    }
    return pool.preparedQuery(RELEASE).execute(Tuple.of(ids, epochs, nodeId)).mapEmpty();
  }

  /**
   * Whether {@code nodeId} still holds the account at exactly {@code epoch}, with its heartbeat live:
   * the fence before a venue call.
   */
  public Future<Boolean> holds(String nodeId, UUID accountId, long epoch) {
    return pool.preparedQuery(HOLDS).execute(Tuple.of(accountId, nodeId, epoch)).map(rows -> rows.size() == 1);
  }

  /** The leases the database gives {@code nodeId} (live or not: its heartbeat is not looked at), by account. */
  public Future<Map<UUID, Lease>> heldBy(String nodeId) {
    return pool.preparedQuery(HELD_BY).execute(Tuple.of(nodeId)).map(rows -> {
      Map<UUID, Lease> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getUUID("account_id"), new Lease(r.getUUID("account_id"), r.getLong("epoch"))));
      return out;
    });
  }

  /** Every account with a valid lease and its holder. */
  public Future<Map<UUID, String>> holders() {
    return pool.query(HOLDERS).execute().map(rows -> {
      Map<UUID, String> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getUUID("account_id"), r.getString("node_id")));
      return out;
    });
  }
}

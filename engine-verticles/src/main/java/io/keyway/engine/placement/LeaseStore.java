package io.keyway.engine.placement;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Node heartbeats and account leases in PostgreSQL: the one place that decides who may trade for an
 * account, safe under a network partition because it needs the database, not the cluster, to
 * agree. All times are the database's. A lease is taken only once expired (or from this very node
 * after a restart), and every take raises its epoch; renewing and checking name the epoch, so a node
 * that lost a lease can neither renew it nor pass {@link #holds}.
 */
public final class LeaseStore {
  private static final String HEARTBEAT = """
      WITH beat AS (
        INSERT INTO engine.nodes (node_id, heartbeat_at) VALUES ($1, now())
        ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now()
        RETURNING node_id)
      SELECT node_id FROM engine.nodes WHERE heartbeat_at > now() - $2 * interval '1 millisecond'
      UNION SELECT node_id FROM beat""";
  private static final String LEAVE = "DELETE FROM engine.nodes WHERE node_id = $1";
  private static final String RELEASE_ALL =
      "UPDATE engine.leases SET expires_at = now() WHERE node_id = $1 AND expires_at > now()";
  private static final String ACQUIRE = """
      INSERT INTO engine.leases AS l (account_id, node_id, epoch, expires_at)
      SELECT a, $2, 1, now() + $3 * interval '1 millisecond' FROM unnest($1::uuid[]) AS a ORDER BY a
      ON CONFLICT (account_id) DO UPDATE
        SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1, expires_at = EXCLUDED.expires_at
        WHERE l.expires_at <= now() OR l.node_id = EXCLUDED.node_id
      RETURNING account_id, epoch""";
  private static final String RENEW = """
      UPDATE engine.leases l SET expires_at = now() + $4 * interval '1 millisecond'
      FROM unnest($1::uuid[], $2::bigint[]) AS h(account_id, epoch)
      WHERE l.account_id = h.account_id AND l.epoch = h.epoch AND l.node_id = $3 AND l.expires_at > now()
      RETURNING l.account_id""";
  private static final String RELEASE =
      "UPDATE engine.leases SET expires_at = now() WHERE account_id = $1 AND node_id = $2 AND epoch = $3";
  private static final String HOLDS = "SELECT 1 FROM engine.leases "
      + "WHERE account_id = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now()";
  private static final String HOLDERS =
      "SELECT account_id, node_id FROM engine.leases WHERE expires_at > now()";

  private final Pool pool;
  private final Duration ttl;
  private final Duration margin;

  /**
   * @param ttl how long a lease lasts unrenewed (and how long a silent node counts as live)
   * @param margin how much earlier than the database this node gives a lease up by itself
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

  /** Records that {@code nodeId} is alive; answers every node that is (itself included). */
  public Future<List<String>> heartbeat(String nodeId) {
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(nodeId, ttl.toMillis())).map(rows -> {
      List<String> live = new ArrayList<>();
      rows.forEach(r -> live.add(r.getString("node_id")));
      live.sort(null);
      return live;
    });
  }

  /** A clean exit: the node is no longer live and its leases are free at once. */
  public Future<Void> leave(String nodeId) {
    return pool.preparedQuery(RELEASE_ALL).execute(Tuple.of(nodeId))
        .compose(x -> pool.preparedQuery(LEAVE).execute(Tuple.of(nodeId))).mapEmpty();
  }

  /**
   * Takes whichever of {@code accounts} are free; answers the leases won, each with a new epoch.
   * Rows are locked in account order, so nodes racing for overlapping sets cannot deadlock.
   */
  public Future<List<Lease>> acquire(String nodeId, Collection<UUID> accounts) {
    if (accounts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    long sent = System.nanoTime();
    return pool.preparedQuery(ACQUIRE).execute(Tuple.of(accounts.toArray(new UUID[0]), nodeId, ttl.toMillis()))
        .map(rows -> {
          List<Lease> won = new ArrayList<>();
          for (Row r : rows) {
            won.add(new Lease(r.getUUID("account_id"), r.getLong("epoch"), deadline(sent)));
          }
          return won;
        });
  }

  /** Extends {@code held}; answers the renewed leases. A lease missing from the answer is lost. */
  public Future<List<Lease>> renew(String nodeId, Collection<Lease> held) {
    if (held.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    UUID[] ids = new UUID[held.size()];
    Long[] epochs = new Long[held.size()];
    Map<UUID, Lease> byId = new HashMap<>();
    int i = 0;
    for (Lease l : held) {
      ids[i] = l.accountId();
      epochs[i++] = l.epoch();
      byId.put(l.accountId(), l);
    }
    long sent = System.nanoTime();
    return pool.preparedQuery(RENEW).execute(Tuple.of(ids, epochs, nodeId, ttl.toMillis())).map(rows -> {
      List<Lease> renewed = new ArrayList<>();
      for (Row r : rows) {
        Lease before = byId.get(r.getUUID("account_id"));
        renewed.add(new Lease(before.accountId(), before.epoch(), deadline(sent)));
      }
      return renewed;
    });
  }

  /** Gives one lease up now (the epoch stays, the next holder raises it). */
  public Future<Void> release(String nodeId, Lease lease) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(lease.accountId(), nodeId, lease.epoch())).mapEmpty();
  }

  /** Whether {@code nodeId} still holds the account at exactly {@code epoch}: the fence before a venue call. */
  public Future<Boolean> holds(String nodeId, UUID accountId, long epoch) {
    return pool.preparedQuery(HOLDS).execute(Tuple.of(accountId, nodeId, epoch)).map(rows -> rows.size() == 1);
  }

  /** Every account with a live lease and its holder. */
  public Future<Map<UUID, String>> holders() {
    return pool.query(HOLDERS).execute().map(rows -> {
      Map<UUID, String> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getUUID("account_id"), r.getString("node_id")));
      return out;
    });
  }

  private long deadline(long sentNanos) {
    return sentNanos + ttl.minus(margin).toNanos();
  }

  /** The ids of {@code leases}. */
  public static Set<UUID> ids(Collection<Lease> leases) {
    Set<UUID> out = new HashSet<>();
    leases.forEach(l -> out.add(l.accountId()));
    return out;
  }
}

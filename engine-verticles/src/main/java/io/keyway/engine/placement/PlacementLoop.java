package io.keyway.engine.placement;

import io.keyway.engine.account.AccountStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's side of engine placement, run one round at a time: beat, renew what it holds, give up
 * what it lost or should hand over, take what falls to it. Which accounts fall to it is
 * {@link Placement} over the nodes whose heartbeats are live; who may trade is decided by the
 * leases alone, so two nodes that disagree about membership (a partition) still never both hold an
 * account. Rounds run on one context, never two at once; {@link #lease} may be read from any thread.
 */
public final class PlacementLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);

  /** What the loop starts and stops: the engines of this node. */
  public interface Engines {
    /** Starts the engine of an account this node now holds. */
    Future<Void> start(UUID tenantId, Lease lease);

    /** Stops the engine of an account this node no longer holds (or is about to hand over). */
    Future<Void> stop(UUID accountId);
  }

  private final String nodeId;
  private final LeaseStore leases;
  private final Supplier<Future<List<AccountStore.Located>>> accounts;
  private final Engines engines;
  /** Written by rounds only; read by engines (the fence) on their own event loops. */
  private final Map<UUID, Lease> held = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<String> liveNodes = List.of();

  public PlacementLoop(String nodeId, LeaseStore leases, Supplier<Future<List<AccountStore.Located>>> accounts,
      Engines engines) {
    this.nodeId = nodeId;
    this.leases = leases;
    this.accounts = accounts;
    this.engines = engines;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The lease this node holds on an account, if it holds one that has not run out locally. */
  public Optional<Lease> lease(UUID accountId) {
    Lease l = held.get(accountId);
    return l != null && l.liveAt(System.nanoTime()) ? Optional.of(l) : Optional.empty();
  }

  /**
   * The fence of one account's engine, bound to the lease it started with: that lease must still be
   * this node's, live by this node's clock, and the database must still give this node the account at
   * that epoch; and since the database answers about the moment it ran, the local lease is checked
   * again when the answer is back. What is left is the time between a passed fence and the request
   * reaching the venue (the send starts at once, but an HTTP client may queue it): that window is not
   * closed here, only made small; decision 0013 says so.
   */
  public Fence fence(UUID accountId, long startEpoch) {
    return () -> {
      if (!holdsLocally(accountId, startEpoch)) {
        return Future.failedFuture(new FencedException(accountId, nodeId));
      }
      return leases.holds(nodeId, accountId, startEpoch).compose(ok -> ok && holdsLocally(accountId, startEpoch)
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(new FencedException(accountId, nodeId)));
    };
  }

  private boolean holdsLocally(UUID accountId, long epoch) {
    Optional<Lease> l = lease(accountId);
    return l.isPresent() && l.get().epoch() == epoch;
  }

  /** This node may no longer trade an account. */
  public static final class FencedException extends RuntimeException {
    FencedException(UUID accountId, String nodeId) {
      super("node " + nodeId + " no longer holds the lease of account " + accountId, null, false, false);
    }
  }

  public int owned() {
    return held.size();
  }

  public List<String> liveNodes() {
    return liveNodes;
  }

  /** One round. Fails only if the database could not be reached; the next round tries again. */
  public Future<Void> round() {
    return leases.heartbeat(nodeId)
        .compose(live -> {
          liveNodes = live;
          return renew();
        })
        .compose(x -> accounts.get())
        .compose(this::rebalance)
        .recover(e -> {
          LOG.warn("Placement round failed ({}); leases past their local deadline are given up", e.getMessage());
          return dropExpired();
        });
  }

  /** A clean exit: every engine stopped, then every lease and the heartbeat released. */
  public Future<Void> leave() {
    List<Future<Void>> stops = new ArrayList<>();
    for (UUID id : List.copyOf(held.keySet())) {
      stops.add(engines.stop(id).recover(e -> Future.succeededFuture()));
    }
    held.clear();
    return Future.join(stops).compose(x -> leases.leave(nodeId));
  }

  private Future<Void> renew() {
    return leases.renew(nodeId, held.values()).compose(renewed -> {
      Set<UUID> kept = LeaseStore.ids(renewed);
      List<Future<Void>> stops = new ArrayList<>();
      for (UUID id : List.copyOf(held.keySet())) {
        if (!kept.contains(id)) {
          LOG.warn("Lost the lease of account {}; its engine stops here", id);
          held.remove(id);
          stops.add(engines.stop(id));
        }
      }
      renewed.forEach(l -> held.put(l.accountId(), l));
      return Future.join(stops).mapEmpty();
    });
  }

  private Future<Void> rebalance(List<AccountStore.Located> all) {
    Map<UUID, UUID> tenantOf = new HashMap<>();
    List<UUID> wanted = new ArrayList<>();
    List<Future<Void>> handovers = new ArrayList<>();
    for (AccountStore.Located a : all) {
      tenantOf.put(a.accountId(), a.tenantId());
      String owner = Placement.owner(a.accountId(), liveNodes).orElse(nodeId);
      if (owner.equals(nodeId)) {
        if (!held.containsKey(a.accountId())) {
          wanted.add(a.accountId());
        }
      } else if (held.containsKey(a.accountId())) {
        // a node joined that should run this account: stop first, then free the lease for it
        Lease l = held.remove(a.accountId());
        handovers.add(engines.stop(a.accountId()).compose(x -> leases.release(nodeId, l)));
      }
    }
    return Future.join(handovers)
        .compose(x -> leases.acquire(nodeId, wanted))
        .compose(won -> {
          List<Future<Void>> starts = new ArrayList<>();
          for (Lease l : won) {
            held.put(l.accountId(), l);
            starts.add(engines.start(tenantOf.get(l.accountId()), l).recover(e -> {
              LOG.error("The engine of account {} did not start: {}", l.accountId(), e.getMessage());
              held.remove(l.accountId());
              return leases.release(nodeId, l);
            }));
          }
          return Future.join(starts).mapEmpty();
        });
  }

  private Future<Void> dropExpired() {
    long now = System.nanoTime();
    List<Future<Void>> stops = new ArrayList<>();
    for (Lease l : new HashSet<>(held.values())) {
      if (!l.liveAt(now)) {
        held.remove(l.accountId());
        stops.add(engines.stop(l.accountId()));
      }
    }
    return Future.join(stops).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}

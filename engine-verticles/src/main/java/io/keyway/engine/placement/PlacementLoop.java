package io.keyway.engine.placement;

import io.keyway.engine.account.AccountStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's side of engine placement, run one round at a time. Every round beats, which keeps all
 * this node's leases (they live as long as its heartbeat, see {@link LeaseStore}); a round in which
 * neither the live nodes nor any account changed does nothing else. Otherwise it recomputes where
 * the changed accounts (or, on a membership change, all of them) belong by {@link Placement}, hands
 * over what another node should run and takes what falls to it. Accounts are kept in memory: read
 * in full at the first round and every {@code refreshEvery} as a safety net, and otherwise learned
 * one by one from {@link #accountChanged}. Who may trade is decided by the leases alone, so two nodes
 * that disagree about membership (a partition) still never both hold an account. Rounds run on one
 * context, never two at once; {@link #lease} and {@link #accountChanged} may be called from any thread.
 */
public final class PlacementLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);
  /** How often every account is read again and this node's leases compared with the database's. */
  public static final Duration FULL_REFRESH = Duration.ofSeconds(30);

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
  private final long refreshNanos;
  /** Written by rounds only; read by engines (the fence) on their own event loops. */
  private final Map<UUID, Lease> held = new ConcurrentHashMap<>();
  /** Every account known, with its tenant (accounts are never deleted and never change tenant). */
  private final Map<UUID, UUID> known = new HashMap<>();
  /** Accounts announced since the last round, with their tenants; filled from any thread. */
  private final Map<UUID, UUID> announced = new ConcurrentHashMap<>();
  /** Accounts that should run here but are still held by another live node (a hand-over not done yet). */
  private final Set<UUID> pending = new HashSet<>();
  private volatile List<String> liveNodes = List.of();
  /** Until when ({@link System#nanoTime}) this node's heartbeat, and so every lease it holds, is live by its own clock. */
  private volatile long deadlineNanos = System.nanoTime();
  /** Set when a fence found the database disagreeing with {@link #held}: the next round compares them. */
  private volatile boolean reconcileDue = true;
  /** Set when a round failed: the next one places every account, not only the announced ones. */
  private boolean placeAllDue = true;
  /** When ({@link System#nanoTime}) every account is read again; the first round does it. */
  private long nextRefresh = System.nanoTime();

  public PlacementLoop(String nodeId, LeaseStore leases, Supplier<Future<List<AccountStore.Located>>> accounts,
      Engines engines) {
    this(nodeId, leases, accounts, engines, FULL_REFRESH);
  }

  /** @param refreshEvery how often every account is read again, whether or not one was announced */
  public PlacementLoop(String nodeId, LeaseStore leases, Supplier<Future<List<AccountStore.Located>>> accounts,
      Engines engines, Duration refreshEvery) {
    this.nodeId = nodeId;
    this.leases = leases;
    this.accounts = accounts;
    this.engines = engines;
    this.refreshNanos = refreshEvery.toNanos();
  }

  public String nodeId() {
    return nodeId;
  }

  /** The lease this node holds on an account, if it holds one and its heartbeat has not run out locally. */
  public Optional<Lease> lease(UUID accountId) {
    Lease l = held.get(accountId);
    return l != null && heartbeatLiveAt(System.nanoTime()) ? Optional.of(l) : Optional.empty();
  }

  private boolean heartbeatLiveAt(long nowNanos) {
    return nowNanos - deadlineNanos < 0;
  }

  /** An account was created or changed somewhere in the cluster: the next round places it. */
  public void accountChanged(UUID tenantId, UUID accountId) {
    announced.put(accountId, tenantId);
  }

  /**
   * The fence of one account's engine, bound to the lease it started with: that lease must still be
   * this node's and this node's heartbeat live by its own clock, and the database must still give
   * this node the account at that epoch with its heartbeat unexpired; and since the database answers
   * about the moment it ran, the local check is made again when the answer is back. What is left is
   * the time between a passed fence and the request reaching the venue (the send starts at once, but
   * an HTTP client may queue it): that window is not closed here, only made small; decision 0013 says so.
   */
  public Fence fence(UUID accountId, long startEpoch) {
    return () -> {
      if (!holdsLocally(accountId, startEpoch)) {
        return Future.failedFuture(new FencedException(accountId, nodeId));
      }
      return leases.holds(nodeId, accountId, startEpoch).compose(ok -> {
        if (!ok) {
          reconcileDue = true; // the engine lingers on a lease it lost: the next round stops it
        }
        return ok && holdsLocally(accountId, startEpoch)
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new FencedException(accountId, nodeId));
      });
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
        .compose(beat -> {
          // While the last heartbeat was live when this one's answer came back, no other node could
          // take a lease of this node in between; otherwise compare with the database before trading on.
          boolean lapsed = !heartbeatLiveAt(System.nanoTime());
          boolean membership = !beat.live().equals(liveNodes);
          liveNodes = beat.live();
          boolean refresh = System.nanoTime() - nextRefresh >= 0;
          Future<Boolean> checked = lapsed || refresh || reconcileDue ? reconcile() : Future.succeededFuture(false);
          return checked.compose(differed -> {
            deadlineNanos = beat.deadlineNanos();
            Future<Void> loaded = refresh ? reload() : Future.succeededFuture();
            boolean everything = membership || differed || placeAllDue;
            placeAllDue = false;
            return loaded.map(x -> everything);
          }).compose(this::rebalance);
        })
        .recover(e -> {
          LOG.warn("Placement round failed ({}); leases past their local deadline are given up", e.getMessage());
          reconcileDue = true;
          placeAllDue = true; // what this round did not finish, the next one does
          return dropIfLapsed();
        });
  }

  /** A clean exit: every engine stopped, then the heartbeat and so every lease released. */
  public Future<Void> leave() {
    List<Future<Void>> stops = new ArrayList<>();
    for (UUID id : List.copyOf(held.keySet())) {
      stops.add(engines.stop(id).recover(e -> Future.succeededFuture()));
    }
    held.clear();
    return Future.join(stops).compose(x -> leases.leave(nodeId));
  }

  /**
   * Compares {@link #held} with the leases the database gives this node: a lease lost (taken by
   * another node while this node's heartbeat had lapsed) stops its engine; a lease the database has
   * and this node does not know (left from before a restart) is released. Answers whether anything differed.
   */
  private Future<Boolean> reconcile() {
    reconcileDue = false;
    return leases.heldBy(nodeId).compose(inDb -> {
      List<Future<Void>> stops = new ArrayList<>();
      for (Lease l : List.copyOf(held.values())) {
        if (!l.equals(inDb.get(l.accountId()))) {
          LOG.warn("Lost the lease of account {}; its engine stops here", l.accountId());
          held.remove(l.accountId());
          stops.add(engines.stop(l.accountId()));
        }
      }
      List<Lease> unknown = inDb.values().stream().filter(l -> !l.equals(held.get(l.accountId()))).toList();
      return Future.join(stops).compose(x -> leases.release(nodeId, unknown))
          .map(x -> !stops.isEmpty() || !unknown.isEmpty());
    });
  }

  /** Reads every account; one not known yet (its announcement lost) is placed as if announced. */
  private Future<Void> reload() {
    return accounts.get().map(all -> {
      all.forEach(a -> {
        if (!known.containsKey(a.accountId())) {
          announced.put(a.accountId(), a.tenantId());
        }
      });
      nextRefresh = System.nanoTime() + refreshNanos;
      return null;
    });
  }

  /**
   * Places the accounts announced since the last round and those still pending, or every known
   * account when {@code everything}; a quiet round finds nothing to place and sends nothing.
   */
  private Future<Void> rebalance(boolean everything) {
    Set<UUID> candidates = new HashSet<>(pending);
    for (UUID id : List.copyOf(announced.keySet())) {
      UUID tenant = announced.remove(id);
      known.put(id, tenant);
      candidates.add(id);
    }
    Collection<UUID> toPlace = everything ? known.keySet() : candidates;
    if (toPlace.isEmpty()) {
      return Future.succeededFuture();
    }
    pending.removeAll(toPlace);
    List<UUID> wanted = new ArrayList<>();
    List<UUID> handedOver = new ArrayList<>();
    for (UUID a : toPlace) {
      String owner = Placement.owner(a, liveNodes).orElse(nodeId);
      if (owner.equals(nodeId)) {
        if (!held.containsKey(a)) {
          wanted.add(a);
        }
      } else if (held.containsKey(a)) {
        handedOver.add(a);
      }
    }
    return handOver(handedOver)
        .compose(x -> leases.acquire(nodeId, wanted))
        .compose(won -> {
          pending.addAll(wanted);
          List<Future<Void>> starts = new ArrayList<>();
          for (Lease l : won) {
            pending.remove(l.accountId());
            held.put(l.accountId(), l);
            starts.add(engines.start(known.get(l.accountId()), l).recover(e -> {
              LOG.error("The engine of account {} did not start: {}", l.accountId(), e.getMessage());
              held.remove(l.accountId());
              pending.add(l.accountId());
              return leases.release(nodeId, List.of(l));
            }));
          }
          return Future.join(starts).mapEmpty();
        });
  }

  /** A node joined that should run these accounts: stop their engines first, then free their leases for it. */
  private Future<Void> handOver(List<UUID> accountIds) {
    List<Lease> released = new ArrayList<>();
    List<Future<Void>> stops = new ArrayList<>();
    for (UUID a : accountIds) {
      released.add(held.remove(a));
      stops.add(engines.stop(a));
    }
    return Future.join(stops).compose(x -> leases.release(nodeId, released));
  }

  /** After a failed round: once this node's heartbeat has run out locally, every engine here stops. */
  private Future<Void> dropIfLapsed() {
    if (heartbeatLiveAt(System.nanoTime()) || held.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> stops = new ArrayList<>();
    for (UUID id : List.copyOf(held.keySet())) {
      held.remove(id);
      stops.add(engines.stop(id));
    }
    return Future.join(stops).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}

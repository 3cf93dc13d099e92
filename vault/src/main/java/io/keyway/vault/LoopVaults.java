package io.keyway.vault;

import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which event loops have a vault of their own, and the node-local address it answers on
 * ({@link VaultAddresses#RESOLVE_ON_LOOP} and a number). A vault instance registers its loop once its
 * consumers are registered and unregisters it before they go, so a caller never sends to an address
 * without a consumer. Keyed by Netty's event-loop objects, which belong to one Vert.x instance, so
 * several Vert.x instances in one JVM (tests) never see each other's vaults.
 */
final class LoopVaults {
  private record Registered(String address, int vaults) {}

  private static final ConcurrentHashMap<EventLoop, Registered> BY_LOOP = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong();

  private LoopVaults() {}

  /** A fresh per-loop address, for the first vault on a loop. */
  static String newAddress() {
    return VaultAddresses.RESOLVE_ON_LOOP + NEXT.incrementAndGet();
  }

  /**
   * Records a vault on {@code loop} answering on {@code address}; returns the address callers on that
   * loop use (an earlier vault's, when the loop already has one: both consume it).
   */
  static String register(EventLoop loop, String address) {
    return BY_LOOP.merge(loop, new Registered(address, 1),
        (had, added) -> new Registered(had.address(), had.vaults() + 1)).address();
  }

  /** The address of the vault already on {@code loop}, or null. */
  static String on(EventLoop loop) {
    Registered r = loop == null ? null : BY_LOOP.get(loop);
    return r == null ? null : r.address();
  }

  /** One vault on {@code loop} is going: the loop keeps its address while another is left. */
  static void unregister(EventLoop loop) {
    BY_LOOP.computeIfPresent(loop, (l, had) -> had.vaults() == 1 ? null : new Registered(had.address(), had.vaults() - 1));
  }

  /** Where a caller on {@code loop} (null: not on an event loop) sends a resolve. */
  static String addressFor(EventLoop loop) {
    String own = on(loop);
    return own == null ? VaultAddresses.RESOLVE : own;
  }
}

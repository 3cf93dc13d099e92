package io.keyway.gateway.ws;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Who, among the sockets of one tenant, gets an event about an account: the sockets subscribed to
 * that account's stream, and those subscribed to the whole tenant (admins). Indexed by account so an
 * event costs its recipients, not the tenant's sockets. A socket is only ever added here after the
 * visibility check of its subscription; removing it is what stops its pushes. Plain Java, used from
 * one event loop.
 *
 * @param <S> the subscriber (a live socket)
 */
public final class TenantFanout<S> {
  private final Map<UUID, Set<S>> balances = new HashMap<>();
  private final Map<UUID, Set<S>> orders = new HashMap<>();
  private final Set<S> tenantWide = new LinkedHashSet<>();

  public void add(S subscriber, Stream stream, UUID accountId) {
    if (stream == Stream.TENANT) {
      tenantWide.add(subscriber);
    } else {
      byAccount(stream).computeIfAbsent(accountId, k -> new LinkedHashSet<>()).add(subscriber);
    }
  }

  public void remove(S subscriber, Stream stream, UUID accountId) {
    if (stream == Stream.TENANT) {
      tenantWide.remove(subscriber);
      return;
    }
    Map<UUID, Set<S>> index = byAccount(stream);
    Set<S> set = index.get(accountId);
    if (set != null && set.remove(subscriber) && set.isEmpty()) {
      index.remove(accountId);
    }
  }

  /**
   * Hands an event of {@code stream} about {@code accountId} to each allowed subscriber, once. A
   * subscriber may leave from within {@code to} (a socket closed as too slow): the others still get it.
   */
  public void deliver(Stream stream, UUID accountId, Consumer<S> to) {
    if (!tenantWide.isEmpty()) {
      stable(tenantWide).forEach(to);
    }
    Set<S> direct = byAccount(stream).get(accountId);
    if (direct != null) {
      for (S s : stable(direct)) {
        if (!tenantWide.contains(s)) {
          to.accept(s);
        }
      }
    }
  }

  /** The set itself when a removal from it cannot disturb the iteration (one element), else a copy. */
  private static <S> Iterable<S> stable(Set<S> set) {
    return set.size() <= 1 ? set : List.copyOf(set);
  }

  /** Whether an event of {@code stream} about {@code accountId} has anyone to go to. */
  public boolean hasRecipients(Stream stream, UUID accountId) {
    return !tenantWide.isEmpty() || byAccount(stream).containsKey(accountId);
  }

  /** The subscribers of one account's per-account streams (not the tenant-wide ones). */
  public Set<S> subscribersOf(UUID accountId) {
    Set<S> out = new LinkedHashSet<>(balances.getOrDefault(accountId, Set.of()));
    out.addAll(orders.getOrDefault(accountId, Set.of()));
    return out;
  }

  public boolean isEmpty() {
    return tenantWide.isEmpty() && balances.isEmpty() && orders.isEmpty();
  }

  private Map<UUID, Set<S>> byAccount(Stream stream) {
    return stream == Stream.BALANCE ? balances : orders;
  }
}

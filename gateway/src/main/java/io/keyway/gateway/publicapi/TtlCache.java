package io.keyway.gateway.publicapi;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A small in-process cache of asynchronous answers that live {@code ttl}. Callers who arrive while
 * an answer is being computed share that computation, so a stampede on a cold or expired entry
 * costs one. A failed computation is not kept. Entries past their time are swept out lazily, by the
 * first call at least one TTL after the previous sweep, so keys that are never asked again do not stay
 * and no call pays for a sweep more than once per TTL.
 */
final class TtlCache<K> {
  private record Entry(CompletionStage<Object> answer, Instant expires) {}

  private final Clock clock;
  private final Duration ttl;
  private final Map<K, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong computations = new AtomicLong();
  private final AtomicReference<Instant> nextSweep;

  TtlCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
    this.nextSweep = new AtomicReference<>(clock.instant().plus(ttl));
  }

  /** The cached answer for {@code key}, or the one {@code compute} gives; delivered on the caller's context. */
  @SuppressWarnings("unchecked")
  <V> Future<V> get(K key, Supplier<Future<V>> compute, Context caller) {
    Instant now = clock.instant();
    sweepIfDue(now);
    Promise<Object> fresh = Promise.promise();
    Entry mine = new Entry(fresh.future().toCompletionStage(), now.plus(ttl));
    Entry entry = entries.compute(key, (k, old) -> old != null && now.isBefore(old.expires()) ? old : mine);
    if (entry == mine) {
      computations.incrementAndGet();
      Future<V> computed;
      try {
        computed = compute.get();
      } catch (RuntimeException e) {
        computed = Future.failedFuture(e);
      }
      computed.onComplete(ar -> {
        if (ar.failed()) {
          entries.remove(key, mine);
          fresh.fail(ar.cause());
        } else {
          fresh.complete(ar.result());
        }
      });
    }
    return Future.fromCompletionStage(entry.answer(), caller).map(v -> (V) v);
  }

  /** How many computations ran since the cache was made. */
  long computations() {
    return computations.get();
  }

  /** How many entries are held, expired ones not swept yet included. */
  int size() {
    return entries.size();
  }

  private void sweepIfDue(Instant now) {
    Instant due = nextSweep.get();
    if (!now.isBefore(due) && nextSweep.compareAndSet(due, now.plus(ttl))) {
      entries.values().removeIf(e -> !now.isBefore(e.expires()));
    }
  }
}

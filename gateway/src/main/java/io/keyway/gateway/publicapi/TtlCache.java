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
import java.util.function.Supplier;

/**
 * A small in-process cache of asynchronous answers that live {@code ttl}. Callers who arrive while
 * an answer is being computed share that computation, so a stampede on a cold or expired entry
 * costs one. A failed computation is not kept.
 */
final class TtlCache<K> {
  private record Entry(CompletionStage<Object> answer, Instant expires) {}

  private final Clock clock;
  private final Duration ttl;
  private final Map<K, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong computations = new AtomicLong();

  TtlCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The cached answer for {@code key}, or the one {@code compute} gives; delivered on the caller's context. */
  @SuppressWarnings("unchecked")
  <V> Future<V> get(K key, Supplier<Future<V>> compute, Context caller) {
    Instant now = clock.instant();
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

  /** Forgets entries past their time, so keys that are never asked again do not stay. */
  void evictExpired() {
    Instant now = clock.instant();
    entries.values().removeIf(e -> !now.isBefore(e.expires()));
  }
}

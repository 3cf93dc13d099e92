package io.keyway.gateway.identity;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A small read-through cache for the state every request consults (users, sessions, API tokens).
 * Entries are evicted by event-bus invalidations the moment their row changes, and expire after a
 * short TTL in case an invalidation is ever missed. A load that overlaps an invalidation is
 * answered but not stored, so a stale row can never be cached after the change that outdated it.
 */
public final class LiveCache<K, V> {
  private record Entry<V>(V value, long loadedAtNanos) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final long ttlNanos;
  private final int maxEntries;

  public LiveCache(java.time.Duration ttl, int maxEntries) {
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  /** The cached value, or the loader's; a loader answering {@code null} (absent) is not cached. */
  public Future<V> get(K key, Function<K, Future<V>> loader) {
    Entry<V> e = entries.get(key);
    if (e != null && System.nanoTime() - e.loadedAtNanos < ttlNanos) {
      return Future.succeededFuture(e.value);
    }
    long gen = generation.get();
    return loader.apply(key).onSuccess(v -> {
      if (v != null && generation.get() == gen) {
        if (entries.size() >= maxEntries) {
          entries.clear();
        }
        entries.put(key, new Entry<>(v, System.nanoTime()));
      }
    });
  }

  public void invalidate(K key) {
    generation.incrementAndGet();
    entries.remove(key);
  }

  public void invalidateAll() {
    generation.incrementAndGet();
    entries.clear();
  }
}

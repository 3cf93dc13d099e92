package io.keyway.vault;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Decides when a credential's last use is worth writing: at most once per {@code every} nanoseconds
 * per credential. It remembers only credentials recorded within the last interval, and never more
 * than {@code capacity} of them: older entries are dropped, the oldest first, since a credential
 * not recorded for a whole interval is due anyway. Forgetting one early costs at most one extra
 * write. Thread-safe.
 */
final class LastUseThrottle {
  private final long everyNanos;
  private final int capacity;
  /** Credential to when its last use was recorded; in the order they were recorded, oldest first. */
  private final LinkedHashMap<UUID, Long> recorded = new LinkedHashMap<>();

  LastUseThrottle(long everyNanos, int capacity) {
    if (everyNanos <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("interval and capacity must be positive");
    }
    this.everyNanos = everyNanos;
    this.capacity = capacity;
  }

  /** Whether a use at {@code nowNanos} should be written; if so it counts as recorded from now. */
  synchronized boolean due(UUID id, long nowNanos) {
    Long before = recorded.get(id);
    if (before != null && nowNanos - before < everyNanos) {
      return false;
    }
    recorded.remove(id);
    recorded.put(id, nowNanos);
    forgetOlderThanInterval(nowNanos);
    return true;
  }

  /** Drops a credential (unlinked), so its entry does not wait for the interval to pass. */
  synchronized void forget(UUID id) {
    recorded.remove(id);
  }

  synchronized int size() {
    return recorded.size();
  }

  private void forgetOlderThanInterval(long nowNanos) {
    Iterator<Map.Entry<UUID, Long>> oldestFirst = recorded.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<UUID, Long> e = oldestFirst.next();
      if (recorded.size() <= capacity && nowNanos - e.getValue() < everyNanos) {
        return;
      }
      oldestFirst.remove();
    }
  }
}

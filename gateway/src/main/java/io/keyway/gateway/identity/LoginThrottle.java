package io.keyway.gateway.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed logins per email and per client address over a sliding window. A key with too many
 * recent failures is refused until its oldest failure leaves the window; the answer says how long
 * that is. Node-local: on a cluster each node throttles on its own, which bounds an attacker at
 * nodes × limit per window.
 */
public final class LoginThrottle {
  private static final int MAX_KEYS = 200_000;

  private final Clock clock;
  private final Duration window;
  private final int perEmail;
  private final int perAddress;
  private final Map<String, Deque<Instant>> failures = new HashMap<>();

  public LoginThrottle(Clock clock, Duration window, int perEmail, int perAddress) {
    this.clock = clock;
    this.window = window;
    this.perEmail = perEmail;
    this.perAddress = perAddress;
  }

  /** How long to wait before another attempt is admitted, or empty when it may go ahead. */
  public synchronized Optional<Duration> retryAfter(String email, String address) {
    Instant now = clock.instant();
    Duration wait = Duration.ZERO;
    wait = max(wait, blockedFor(emailKey(email), perEmail, now));
    wait = max(wait, blockedFor(addressKey(address), perAddress, now));
    return wait.isZero() ? Optional.empty() : Optional.of(wait);
  }

  public synchronized void failed(String email, String address) {
    Instant now = clock.instant();
    if (failures.size() > MAX_KEYS) {
      prune(now);
    }
    failures.computeIfAbsent(emailKey(email), k -> new ArrayDeque<>()).addLast(now);
    failures.computeIfAbsent(addressKey(address), k -> new ArrayDeque<>()).addLast(now);
  }

  /** A success clears the email's failures (not the address's: one good account proves nothing). */
  public synchronized void succeeded(String email) {
    failures.remove(emailKey(email));
  }

  private Duration blockedFor(String key, int limit, Instant now) {
    Deque<Instant> q = failures.get(key);
    if (q == null) {
      return Duration.ZERO;
    }
    Instant horizon = now.minus(window);
    while (!q.isEmpty() && !q.peekFirst().isAfter(horizon)) {
      q.pollFirst();
    }
    if (q.isEmpty()) {
      failures.remove(key);
      return Duration.ZERO;
    }
    if (q.size() < limit) {
      return Duration.ZERO;
    }
    // admitted again once enough failures have left the window to fall under the limit
    Instant[] times = q.toArray(new Instant[0]);
    Instant releasing = times[q.size() - limit];
    Duration wait = Duration.between(now, releasing.plus(window));
    return wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
  }

  private void prune(Instant now) {
    Instant horizon = now.minus(window);
    for (Iterator<Deque<Instant>> it = failures.values().iterator(); it.hasNext(); ) {
      Deque<Instant> q = it.next();
      while (!q.isEmpty() && !q.peekFirst().isAfter(horizon)) {
        q.pollFirst();
      }
      if (q.isEmpty()) {
        it.remove();
      }
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String emailKey(String email) {
    return "e:" + (email == null ? "" : email.toLowerCase(Locale.ROOT));
  }

  private static String addressKey(String address) {
    return "a:" + (address == null ? "" : address);
  }
}

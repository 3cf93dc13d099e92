package io.keyway.engine.venue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bucket per credential: {@code capacity} requests, refilled evenly over a minute (Alpaca
 * allows 200 a minute). A venue's 429 or 5xx closes the bucket until its Retry-After has passed.
 * Not thread-safe: each engine owns its budgets on its own event loop.
 */
public final class RateBudget {
  private final Clock clock;
  private final double capacity;
  private final double perNano;
  private double tokens;
  private Instant refilledAt;
  private Instant closedUntil = Instant.MIN;

  public RateBudget(Clock clock, int perMinute) {
    this.clock = clock;
    this.capacity = perMinute;
    this.perNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    this.tokens = perMinute;
    this.refilledAt = clock.instant();
  }

  /** Takes one request's worth, or says how long to wait before one is available. */
  public Optional<Duration> tryTake() {
    Instant now = clock.instant();
    if (now.isBefore(closedUntil)) {
      return Optional.of(Duration.between(now, closedUntil));
    }
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return Optional.empty();
    }
    long waitNanos = (long) Math.ceil((1 - tokens) / perNano);
    return Optional.of(Duration.ofNanos(Math.max(1, waitNanos)));
  }

  /** The venue said "slow down": nothing goes out until {@code retryAfter} has passed. */
  public void backOff(Duration retryAfter) {
    Instant until = clock.instant().plus(retryAfter);
    if (until.isAfter(closedUntil)) {
      closedUntil = until;
    }
    tokens = 0;
  }

  private void refill(Instant now) {
    long elapsed = Duration.between(refilledAt, now).toNanos();
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      refilledAt = now;
    }
  }
}

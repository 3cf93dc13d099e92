package io.keyway.gateway.mcp;

import io.keyway.engine.venue.RateBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MCP rate limit: a token bucket of {@code perMinute} requests per bearer token (an API
 * token's id, or the refresh family behind an access token), shared by every HTTP verticle of the
 * node. Only authenticated callers get a bucket, so a flood of bad tokens cannot grow the map.
 */
public final class TokenBuckets {
  private static final int MAX_BUCKETS = 100_000;
  private final Clock clock;
  private final int perMinute;
  private final Map<UUID, RateBudget> buckets = new ConcurrentHashMap<>();

  public TokenBuckets(Clock clock, int perMinute) {
    this.clock = clock;
    this.perMinute = perMinute;
  }

  /** Takes one request for {@code tokenId}, or answers how long to wait. */
  public Optional<Duration> tryTake(UUID tokenId) {
    if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(tokenId)) {
      buckets.clear(); // a full map is forgotten at once: buckets refill anyway within a minute
    }
    RateBudget budget = buckets.computeIfAbsent(tokenId, id -> new RateBudget(clock, perMinute));
    synchronized (budget) {
      return budget.tryTake();
    }
  }
}

package io.keyway.gateway.mcp;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Principal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP rate limit: {@code perMinute} requests a minute per bearer token (an API token's id, or the refresh family
 * behind an access token), counted over every node on the database. Each request takes one from the token's row of
 * {@code identity.mcp_rate} in one statement ({@code identity.mcp_take}, migration identity V3), so requests of one
 * token spread over several nodes share one budget. A fresh token may spend its whole minute at once, then one request
 * every {@code 60 / perMinute} seconds. If the database cannot be asked, the request is refused as unavailable (503),
 * never let through unlimited.
 */
public final class McpRateLimit {
  private static final Logger LOG = LoggerFactory.getLogger(McpRateLimit.class);
  static final String TAKE = "SELECT identity.mcp_take($1, $2, $3)";

  private final Pool pool;
  private final int perMinute;

  public McpRateLimit(Pool pool, int perMinute) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("perMinute must be at least 1");
    }
    this.pool = pool;
    this.perMinute = perMinute;
  }

  /** Takes one request of {@code caller}'s token, or answers how long to wait before one is free. */
  public Future<Optional<Duration>> tryTake(Principal caller) {
    return pool.preparedQuery(TAKE).execute(Tuple.of(caller.tenantId(), caller.credentialId(), perMinute))
        .<Optional<Duration>>map(rows -> {
          long waitMillis = rows.iterator().next().getLong(0);
          return waitMillis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(waitMillis));
        })
        .recover(e -> {
          LOG.warn("The MCP rate limit could not be read for a token of tenant {}: {}", caller.tenantId(), e.toString());
          return Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE,
              "the rate limit could not be checked; retry shortly"));
        });
  }
}

package io.keyway.config.db;

import io.keyway.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;

/**
 * The runtime connections, logged in as {@link Schemas#APP_ROLE}: the pool (transactions, one
 * statement at a time per connection) and pipelined clients (one-statement reads only).
 *
 * <p>In Vert.x 5.0.10 only {@code PgBuilder.client()} pipelines; a {@code PgBuilder.pool()} pool
 * ignores {@code setPipeliningLimit} and runs one statement at a time on each connection, so the
 * limit is set on the pipelined client alone (see docs/decisions/0009-vault-resolution.md).
 */
public final class AppPool {
  /** Statements in flight on one pipelined connection before further ones queue in the client. */
  public static final int PIPELINING_LIMIT = 256;

  private AppPool() {}

  public static Pool create(Vertx vertx, DbUrl url, int maxSize) {
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(false).setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(pool).connectingTo(connectOptions(url)).using(vertx).build();
  }

  /**
   * A client that pipelines statements over {@code connections} connections. It cannot run a
   * transaction or hand out a connection, so each statement must be complete in itself (scope its
   * own tenant, as a SECURITY INVOKER function that sets it does). Create it on the event loop that
   * will use it (a verticle's {@code start()}) and close it with that verticle.
   */
  public static SqlClient pipelinedClient(Vertx vertx, DbUrl url, int connections) {
    PoolOptions pool = new PoolOptions().setMaxSize(connections).setShared(false).setMaxWaitQueueSize(10_000);
    return PgBuilder.client().with(pool).connectingTo(connectOptions(url).setPipeliningLimit(PIPELINING_LIMIT))
        .using(vertx).build();
  }

  private static PgConnectOptions connectOptions(DbUrl url) {
    return new PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user())
        .setPassword(url.password())
        .setCachePreparedStatements(true);
  }
}

package io.keyway.config.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs work in one transaction with the tenant set for that transaction only ({@code
 * set_config(…, true)}), which is what row-level security reads. Nothing sets the tenant per
 * session, so a pooled connection never carries one tenant's scope into another's work.
 */
public final class TenantScope {
  private static final String SET_TENANT = "SELECT set_config('" + Schemas.TENANT_SETTING + "', $1, true)";

  private final Pool pool;

  public TenantScope(Pool pool) {
    this.pool = pool;
  }

  /** {@code work} inside a transaction scoped to {@code tenantId}. */
  public <T> Future<T> inTenant(UUID tenantId, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(conn -> conn.preparedQuery(SET_TENANT)
        .execute(Tuple.of(tenantId.toString()))
        .compose(ignored -> work.apply(conn)));
  }

  /** {@code work} inside a transaction with no tenant: only tenant-free lookups succeed. */
  public <T> Future<T> unscoped(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  public Pool pool() {
    return pool;
  }
}

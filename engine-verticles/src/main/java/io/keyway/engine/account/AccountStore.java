package io.keyway.engine.account;

import io.keyway.config.db.TenantScope;
import io.keyway.engine.strategy.Strategies;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Trading accounts, always inside one tenant (row-level security) and, for non-admins, one owner. */
public final class AccountStore {
  private static final String COLUMNS = "id, tenant_id, owner_user_id, name, venue, kind, credential_label, "
      + "strategy_type, strategy_params, max_order_usd, daily_cap_usd, allow_live, approval_over_usd, status, "
      + "kill_reason, is_public";
  private static final String INSERT = "INSERT INTO engine.accounts (id, tenant_id, owner_user_id, name, venue, kind, "
      + "credential_label, strategy_type, strategy_params, max_order_usd, daily_cap_usd, allow_live, approval_over_usd, "
      + "is_public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING " + COLUMNS;
  private static final String UPDATE = "UPDATE engine.accounts SET owner_user_id = $3, name = $4, venue = $5, kind = $6, "
      + "credential_label = $7, strategy_type = $8, strategy_params = $9, max_order_usd = $10, daily_cap_usd = $11, "
      + "allow_live = $12, approval_over_usd = $13, is_public = $14, updated_at = now() "
      + "WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM engine.accounts WHERE tenant_id = $1 AND id = $2";
  private static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE";
  private static final String LIST = "SELECT " + COLUMNS + " FROM engine.accounts WHERE tenant_id = $1 "
      + "AND ($2::uuid IS NULL OR owner_user_id = $2) ORDER BY name, id";

  private static final String SET_STATUS = "UPDATE engine.accounts SET status = $3, kill_reason = $4, updated_at = now() "
      + "WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String FIRST_LIVE_DONE =
      "UPDATE engine.accounts SET first_live_order_done = true WHERE tenant_id = $1 AND id = $2";
  private static final String FIRST_LIVE = "SELECT first_live_order_done FROM engine.accounts WHERE tenant_id = $1 AND id = $2";
  private static final String ALL = "SELECT account_id, tenant_id, status FROM engine.all_accounts()";

  private final TenantScope db;

  public AccountStore(TenantScope db) {
    this.db = db;
  }

  public Future<Account> create(UUID tenantId, AccountSpec s) {
    Tuple t = Tuple.from(Arrays.asList(UUID.randomUUID(), tenantId, s.owner().flatMap(o -> o).orElse(null),
        s.name().get(), s.venue().get(), s.kind().get(), s.credentialLabel().flatMap(o -> o).orElse(null),
        s.strategyType().get(), s.strategyParams().get(), Numeric.create(s.maxOrderUsd().get()),
        Numeric.create(s.dailyCapUsd().get()), s.allowLive().get(),
        Numeric.create(s.approvalOverUsd().orElse(java.math.BigDecimal.ZERO)), s.isPublic().orElse(false)));
    return db.inTenant(tenantId, c -> c.preparedQuery(INSERT).execute(t))
        .map(rows -> Account.from(rows.iterator().next()))
        .recover(AccountStore::nameTaken);
  }

  /** Applies a change; the strategy is validated again against its (possibly unchanged) type. */
  public Future<Account> update(UUID tenantId, UUID id, AccountSpec s) {
    return db.inTenant(tenantId, c -> find(c, tenantId, id, true).compose(a -> {
      String type = s.strategyType().orElse(a.strategyType());
      var params = s.strategyParams().orElse(a.strategyParams());
      Strategies.create(type, params);
      var risk = a.risk();
      Tuple t = Tuple.from(Arrays.asList(tenantId, id, s.owner().orElse(Optional.ofNullable(a.ownerUserId())).orElse(null),
          s.name().orElse(a.name()), s.venue().orElse(a.venue()), s.kind().orElse(a.kind()),
          s.credentialLabel().orElse(Optional.ofNullable(a.credentialLabel())).orElse(null), type, params,
          Numeric.create(s.maxOrderUsd().orElse(risk.maxOrderUsd())), Numeric.create(s.dailyCapUsd().orElse(risk.dailyCapUsd())),
          s.allowLive().orElse(risk.allowLive()), Numeric.create(s.approvalOverUsd().orElse(risk.approvalOverUsd())),
          s.isPublic().orElse(a.isPublic())));
      return c.preparedQuery(UPDATE).execute(t).map(rows -> Account.from(rows.iterator().next()));
    })).recover(AccountStore::nameTaken);
  }

  /** One account; 404 when missing, in another tenant, or not the viewer's (when a viewer is given). */
  public Future<Account> get(UUID tenantId, UUID id, Optional<UUID> ownedBy) {
    return db.inTenant(tenantId, c -> find(c, tenantId, id, false)).compose(a ->
        ownedBy.isPresent() && !ownedBy.get().equals(a.ownerUserId())
            ? Future.failedFuture(KeywayException.notFound("account"))
            : Future.succeededFuture(a));
  }

  /** The accounts of a tenant, or only those owned by {@code ownedBy}. */
  public Future<List<Account>> list(UUID tenantId, Optional<UUID> ownedBy) {
    return db.inTenant(tenantId, c -> c.preparedQuery(LIST).execute(Tuple.of(tenantId, ownedBy.orElse(null))))
        .map(rows -> {
          List<Account> out = new ArrayList<>();
          rows.forEach(r -> out.add(Account.from(r)));
          return out;
        });
  }

  /** Sets the status (active, halted, degraded) and the kill reason (null unless killed). */
  public Future<Account> setStatus(UUID tenantId, UUID id, String status, String killReason) {
    return db.inTenant(tenantId, c -> c.preparedQuery(SET_STATUS).execute(Tuple.of(tenantId, id, status, killReason)))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(KeywayException.notFound("account"))
            : Future.succeededFuture(Account.from(rows.iterator().next())));
  }

  public Future<Boolean> firstLiveOrderDone(UUID tenantId, UUID id) {
    return db.inTenant(tenantId, c -> c.preparedQuery(FIRST_LIVE).execute(Tuple.of(tenantId, id)))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("first_live_order_done"));
  }

  public Future<Void> markFirstLiveOrderDone(UUID tenantId, UUID id) {
    return db.inTenant(tenantId, c -> c.preparedQuery(FIRST_LIVE_DONE).execute(Tuple.of(tenantId, id))).mapEmpty();
  }

  /** Every account of every tenant (ids and status only), for the supervisor. */
  public record Located(UUID accountId, UUID tenantId, String status) {}

  public Future<List<Located>> everywhere() {
    return db.unscoped(c -> c.query(ALL).execute()).map(rows -> {
      List<Located> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Located(r.getUUID("account_id"), r.getUUID("tenant_id"), r.getString("status"))));
      return out;
    });
  }

  private static Future<Account> find(SqlConnection c, UUID tenantId, UUID id, boolean lock) {
    return c.preparedQuery(lock ? BY_ID_FOR_UPDATE : BY_ID).execute(Tuple.of(tenantId, id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(KeywayException.notFound("account"));
      }
      Row r = rows.iterator().next();
      return Future.succeededFuture(Account.from(r));
    });
  }

  private static Future<Account> nameTaken(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(KeywayException.conflict("an account with this name already exists"))
        : Future.failedFuture(e);
  }
}

package io.keyway.engine.order;

import io.keyway.config.db.TenantScope;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Orders and positions of trading accounts; every statement is tenant-scoped. */
public final class OrderStore {
  private static final String COLUMNS = "id, tenant_id, account_id, client_order_id, symbol, side, qty, type, limit_price, "
      + "status, filled_qty, avg_fill_price, notional_usd, created_at, updated_at";
  private static final String INSERT = "INSERT INTO engine.orders (id, tenant_id, account_id, client_order_id, symbol, side, "
      + "qty, type, limit_price, status, notional_usd, source, requested_by, idempotency_key) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING " + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM engine.orders WHERE tenant_id = $1 AND id = $2";
  private static final String BY_KEY = "SELECT " + COLUMNS + " FROM engine.orders WHERE tenant_id = $1 AND account_id = $2 "
      + "AND idempotency_key = $3";
  private static final String SET_STATUS = "UPDATE engine.orders SET status = $3, detail = $4, updated_at = now() "
      + "WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String SET_FILL = "UPDATE engine.orders SET status = $3, filled_qty = $4, avg_fill_price = $5, "
      + "updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String OPEN = "SELECT " + COLUMNS + " FROM engine.orders WHERE tenant_id = $1 AND account_id = $2 "
      + "AND status IN ('awaiting_approval', 'pending', 'accepted', 'partially_filled') ORDER BY created_at";
  private static final String TRADED_SINCE = "SELECT COALESCE(sum(notional_usd), 0) AS total FROM engine.orders "
      + "WHERE tenant_id = $1 AND account_id = $2 AND created_at >= $3 AND status NOT IN ('rejected', 'expired', 'canceled')";
  private static final String LIST = "SELECT " + COLUMNS + " FROM engine.orders WHERE tenant_id = $1 AND account_id = $2 "
      + "AND ($3::text IS NULL OR status = $3) AND ($4::timestamptz IS NULL OR created_at >= $4) "
      + "AND ($5::timestamptz IS NULL OR created_at < $5) AND ($6::timestamptz IS NULL OR created_at < $6 "
      + "OR (created_at = $6 AND id < $7)) ORDER BY created_at DESC, id DESC LIMIT $8";
  private static final String POSITIONS = "SELECT symbol, qty, avg_price FROM engine.positions "
      + "WHERE tenant_id = $1 AND account_id = $2 ORDER BY symbol";
  private static final String POSITION_FOR_UPDATE = "SELECT qty, avg_price FROM engine.positions "
      + "WHERE tenant_id = $1 AND account_id = $2 AND symbol = $3 FOR UPDATE";
  private static final String POSITION_UPSERT = "INSERT INTO engine.positions (tenant_id, account_id, symbol, qty, avg_price) "
      + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, symbol) DO UPDATE SET qty = $4, avg_price = $5";
  private static final String POSITION_DELETE = "DELETE FROM engine.positions WHERE tenant_id = $1 AND account_id = $2 AND symbol = $3";

  private static final String EQUITY_INSERT = "INSERT INTO engine.equity_points (tenant_id, account_id, t, equity) "
      + "SELECT $1, * FROM unnest($2::uuid[], $3::timestamptz[], $4::numeric[]) ON CONFLICT (account_id, t) DO NOTHING";
  private static final String EQUITY_HISTORY = "SELECT t, equity FROM (SELECT t, equity FROM engine.equity_points "
      + "WHERE tenant_id = $1 AND account_id = $2 ORDER BY t DESC LIMIT $3) x ORDER BY t";

  private final TenantScope db;

  public OrderStore(TenantScope db) {
    this.db = db;
  }

  /** A position: quantity and average entry price. */
  public record Position(String symbol, BigDecimal qty, BigDecimal avgPrice) {}

  /** Records a new order; a reused idempotency key answers the order it created before. */
  public Future<Order> insert(UUID tenantId, UUID accountId, String clientOrderId, OrderIntent intent, String status,
      BigDecimal notionalUsd, String source, String requestedBy, String idempotencyKey) {
    Tuple t = Tuple.from(Arrays.asList(UUID.randomUUID(), tenantId, accountId, clientOrderId, intent.symbol(),
        intent.side().name().toLowerCase(Locale.ROOT), Numeric.create(intent.qty()),
        intent.type().name().toLowerCase(Locale.ROOT),
        intent.limitPrice() == null ? null : Numeric.create(intent.limitPrice()), status, Numeric.create(notionalUsd),
        source, requestedBy, idempotencyKey));
    return db.inTenant(tenantId, c -> c.preparedQuery(INSERT).execute(t)).map(rows -> Order.from(rows.iterator().next()))
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(KeywayException.conflict("this clientOrderId was already used on this account"))
            : Future.failedFuture(e));
  }

  public Future<Optional<Order>> byIdempotencyKey(UUID tenantId, UUID accountId, String key) {
    return db.inTenant(tenantId, c -> c.preparedQuery(BY_KEY).execute(Tuple.of(tenantId, accountId, key)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Order.from(rows.iterator().next())));
  }

  public Future<Order> get(UUID tenantId, UUID orderId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(BY_ID).execute(Tuple.of(tenantId, orderId))).compose(rows ->
        rows.size() == 0 ? Future.failedFuture(KeywayException.notFound("order")) : Future.succeededFuture(Order.from(rows.iterator().next())));
  }

  public Future<Order> setStatus(UUID tenantId, UUID orderId, String status, String detail) {
    return db.inTenant(tenantId, c -> c.preparedQuery(SET_STATUS).execute(Tuple.of(tenantId, orderId, status, detail)))
        .map(rows -> Order.from(rows.iterator().next()));
  }

  /**
   * Applies a fill: the order's filled quantity and average price, and the account's position, in
   * one transaction. Answers the order after the fill.
   */
  public Future<Order> fill(UUID tenantId, Order order, BigDecimal qty, BigDecimal price) {
    return db.inTenant(tenantId, c -> applyToPosition(c, order, qty, price).compose(x -> {
      BigDecimal filled = order.filledQty().add(qty);
      BigDecimal notional = (order.avgFillPrice() == null ? BigDecimal.ZERO : order.avgFillPrice().multiply(order.filledQty()))
          .add(price.multiply(qty));
      BigDecimal avg = notional.divide(filled, 8, java.math.RoundingMode.HALF_EVEN);
      String status = filled.compareTo(order.qty()) >= 0 ? "filled" : "partially_filled";
      return c.preparedQuery(SET_FILL).execute(Tuple.of(tenantId, order.id(), status, Numeric.create(filled), Numeric.create(avg)));
    })).map(rows -> Order.from(rows.iterator().next()));
  }

  private static Future<Void> applyToPosition(SqlConnection c, Order o, BigDecimal qty, BigDecimal price) {
    return c.preparedQuery(POSITION_FOR_UPDATE).execute(Tuple.of(o.tenantId(), o.accountId(), o.symbol())).compose(rows -> {
      BigDecimal held = rows.size() == 0 ? BigDecimal.ZERO : rows.iterator().next().getBigDecimal("qty");
      BigDecimal avg = rows.size() == 0 ? BigDecimal.ZERO : rows.iterator().next().getBigDecimal("avg_price");
      boolean buy = o.side() == OrderIntent.Side.BUY;
      BigDecimal next = buy ? held.add(qty) : held.subtract(qty);
      if (next.signum() == 0) {
        return c.preparedQuery(POSITION_DELETE).execute(Tuple.of(o.tenantId(), o.accountId(), o.symbol())).mapEmpty();
      }
      BigDecimal nextAvg = buy
          ? held.multiply(avg).add(qty.multiply(price)).divide(next, 8, java.math.RoundingMode.HALF_EVEN)
          : avg;
      return c.preparedQuery(POSITION_UPSERT).execute(Tuple.of(o.tenantId(), o.accountId(), o.symbol(),
          Numeric.create(next), Numeric.create(nextAvg))).mapEmpty();
    });
  }

  public Future<List<Order>> open(UUID tenantId, UUID accountId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(OPEN).execute(Tuple.of(tenantId, accountId))).map(OrderStore::orders);
  }

  /** The notional of every order placed since {@code since} that was not refused or withdrawn. */
  public Future<BigDecimal> tradedSince(UUID tenantId, UUID accountId, Instant since) {
    return db.inTenant(tenantId, c -> c.preparedQuery(TRADED_SINCE)
            .execute(Tuple.of(tenantId, accountId, since.atOffset(ZoneOffset.UTC))))
        .map(rows -> rows.iterator().next().getBigDecimal("total"));
  }

  /** Newest first; {@code after} is the last order of the previous page. */
  public Future<List<Order>> list(UUID tenantId, UUID accountId, String status, Instant from, Instant to, Order after,
      int limit) {
    Tuple t = Tuple.from(Arrays.asList(tenantId, accountId, status, from == null ? null : from.atOffset(ZoneOffset.UTC),
        to == null ? null : to.atOffset(ZoneOffset.UTC), after == null ? null : after.createdAt().atOffset(ZoneOffset.UTC),
        after == null ? null : after.id(), limit));
    return db.inTenant(tenantId, c -> c.preparedQuery(LIST).execute(t)).map(OrderStore::orders);
  }

  public Future<List<Position>> positions(UUID tenantId, UUID accountId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(POSITIONS).execute(Tuple.of(tenantId, accountId))).map(rows -> {
      List<Position> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Position(r.getString("symbol"), r.getBigDecimal("qty"), r.getBigDecimal("avg_price"))));
      return out;
    });
  }

  /** A point of an account's equity curve. */
  public record EquityPoint(UUID accountId, Instant t, BigDecimal equity) {}

  /** Records points of accounts of one tenant, in one statement. */
  public Future<Void> recordEquity(UUID tenantId, List<EquityPoint> points) {
    Tuple t = Tuple.of(tenantId, points.stream().map(EquityPoint::accountId).toArray(UUID[]::new),
        points.stream().map(p -> p.t().atOffset(ZoneOffset.UTC)).toArray(java.time.OffsetDateTime[]::new),
        points.stream().map(p -> Numeric.create(p.equity())).toArray(Numeric[]::new));
    return db.inTenant(tenantId, c -> c.preparedQuery(EQUITY_INSERT).execute(t)).mapEmpty();
  }

  /** The newest {@code points} equity points, oldest first. */
  public Future<List<io.vertx.core.json.JsonObject>> equityHistory(UUID tenantId, UUID accountId, int points) {
    return db.inTenant(tenantId, c -> c.preparedQuery(EQUITY_HISTORY).execute(Tuple.of(tenantId, accountId, points)))
        .map(rows -> {
          List<io.vertx.core.json.JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new io.vertx.core.json.JsonObject().put("t", r.getOffsetDateTime("t").toInstant().toString())
              .put("equity", io.keyway.ledger.Money.format(r.getBigDecimal("equity")))));
          return out;
        });
  }

  private static List<Order> orders(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Order> out = new ArrayList<>();
    rows.forEach(r -> out.add(Order.from(r)));
    return out;
  }
}

package io.keyway.gateway.publicapi;

import io.keyway.config.db.TenantScope;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The SQL of the public track record. Every read goes through the engine's SECURITY DEFINER
 * functions, which answer only for accounts marked public and only with public columns; nothing
 * here needs (or sets) a tenant.
 */
final class PublicRecords {
  private static final String ACCOUNTS = "SELECT account_id, name FROM engine.public_accounts()";
  private static final String EQUITY = "SELECT t, equity FROM engine.public_equity($1, $2)";
  private static final String TRADES = "SELECT t, symbol, side, qty, price FROM engine.public_trades($1, $2)";
  private static final String POSITIONS = "SELECT symbol, qty, avg_price FROM engine.public_positions($1)";

  record PublicAccount(UUID id, String name) {}

  record EquityPoint(Instant t, BigDecimal equity) {}

  record Trade(Instant t, String symbol, String side, BigDecimal qty, BigDecimal price) {}

  record Holding(String symbol, BigDecimal qty, BigDecimal avgPrice) {}

  private final TenantScope db;

  PublicRecords(TenantScope db) {
    this.db = db;
  }

  Future<List<PublicAccount>> accounts() {
    return db.unscoped(c -> c.query(ACCOUNTS).execute())
        .map(rows -> rows(rows, r -> new PublicAccount(r.getUUID("account_id"), r.getString("name"))));
  }

  /** The newest {@code points} equity points, oldest first; empty for an account that is not public. */
  Future<List<EquityPoint>> equity(UUID accountId, int points) {
    return db.unscoped(c -> c.preparedQuery(EQUITY).execute(Tuple.of(accountId, points)))
        .map(rows -> rows(rows, r -> new EquityPoint(r.getOffsetDateTime("t").toInstant(), r.getBigDecimal("equity"))));
  }

  /** The newest {@code limit} fills, newest first. */
  Future<List<Trade>> trades(UUID accountId, int limit) {
    return db.unscoped(c -> c.preparedQuery(TRADES).execute(Tuple.of(accountId, limit)))
        .map(rows -> rows(rows, r -> new Trade(r.getOffsetDateTime("t").toInstant(), r.getString("symbol"),
            r.getString("side"), r.getBigDecimal("qty"), r.getBigDecimal("price"))));
  }

  Future<List<Holding>> holdings(UUID accountId) {
    return db.unscoped(c -> c.preparedQuery(POSITIONS).execute(Tuple.of(accountId)))
        .map(rows -> rows(rows, r -> new Holding(r.getString("symbol"), r.getBigDecimal("qty"), r.getBigDecimal("avg_price"))));
  }

  private static <T> List<T> rows(RowSet<Row> rows, Function<Row, T> map) {
    List<T> out = new ArrayList<>();
    rows.forEach(r -> out.add(map.apply(r)));
    return out;
  }
}

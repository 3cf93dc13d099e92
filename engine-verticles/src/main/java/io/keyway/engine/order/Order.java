package io.keyway.engine.order;

import io.keyway.engine.strategy.OrderIntent;
import io.keyway.ledger.Money;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** An order of a trading account, as stored and as the API shows it. */
public record Order(UUID id, UUID tenantId, UUID accountId, String clientOrderId, String symbol, OrderIntent.Side side,
    BigDecimal qty, OrderIntent.OrderType type, BigDecimal limitPrice, String status, BigDecimal filledQty,
    BigDecimal avgFillPrice, BigDecimal notionalUsd, Instant createdAt, Instant updatedAt) {

  /** Statuses after which nothing more happens to an order. */
  public boolean done() {
    return switch (status) {
      case "filled", "canceled", "rejected", "expired" -> true;
      default -> false;
    };
  }

  public OrderIntent intent() {
    return new OrderIntent(symbol, side, qty, type, limitPrice, "order " + clientOrderId);
  }

  static Order from(Row r) {
    return new Order(r.getUUID("id"), r.getUUID("tenant_id"), r.getUUID("account_id"), r.getString("client_order_id"),
        r.getString("symbol"), OrderIntent.Side.valueOf(r.getString("side").toUpperCase(Locale.ROOT)), r.getBigDecimal("qty"),
        OrderIntent.OrderType.valueOf(r.getString("type").toUpperCase(Locale.ROOT)), r.getBigDecimal("limit_price"),
        r.getString("status"), r.getBigDecimal("filled_qty"), r.getBigDecimal("avg_fill_price"),
        r.getBigDecimal("notional_usd"), r.getOffsetDateTime("created_at").toInstant(),
        r.getOffsetDateTime("updated_at").toInstant());
  }

  /** API.md's {@code order}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("accountId", accountId.toString())
        .put("clientOrderId", clientOrderId)
        .put("symbol", symbol)
        .put("side", side.name().toLowerCase(Locale.ROOT))
        .put("qty", qty.stripTrailingZeros().toPlainString())
        .put("type", type.name().toLowerCase(Locale.ROOT))
        .put("limitPrice", limitPrice == null ? null : Money.format(limitPrice))
        .put("status", status)
        .put("filledQty", filledQty.stripTrailingZeros().toPlainString())
        .put("avgFillPrice", avgFillPrice == null ? null : Money.format(avgFillPrice))
        .put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString());
  }
}

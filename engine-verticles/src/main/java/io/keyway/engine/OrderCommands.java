package io.keyway.engine;

import io.keyway.engine.order.Order;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The order a person or an agent asks for ({@code POST /api/accounts/{id}/orders}), read with the
 * API's rules: a 400 naming the field for anything malformed. Also the command's wire form.
 */
public final class OrderCommands {
  private OrderCommands() {}

  /** Validates an API body and answers the engine command for it. */
  public static JsonObject place(JsonObject body, String idempotencyKey, String by, String source) {
    Request intent = request(body);
    Object cid = body.getValue("clientOrderId");
    if (cid != null && !(cid instanceof String s && s.matches("[A-Za-z0-9._:-]{1,48}"))) {
      throw KeywayException.badField("clientOrderId", "must be 1-48 of letters, digits and . _ : -");
    }
    Object confirm = body.getValue("confirmLive");
    if (confirm != null && !(confirm instanceof Boolean)) {
      throw KeywayException.badField("confirmLive", "must be true or false");
    }
    return new JsonObject().put("op", "place").put("symbol", intent.symbol())
        .put("side", intent.side().name().toLowerCase(Locale.ROOT)).put("qty", intent.qty() == null ? null : intent.qty().toPlainString())
        .put("notional", intent.notional() == null ? null : intent.notional().toPlainString())
        .put("type", intent.type().name().toLowerCase(Locale.ROOT))
        .put("limitPrice", intent.limitPrice() == null ? null : intent.limitPrice().toPlainString())
        .put("clientOrderId", cid).put("confirmLive", Boolean.TRUE.equals(confirm))
        .put("idempotencyKey", idempotencyKey).put("by", by).put("source", source);
  }

  /** An order as asked for: by {@code qty}, or by {@code notional} (USD) to be sized at a price. */
  record Request(String symbol, OrderIntent.Side side, OrderIntent.OrderType type, BigDecimal limitPrice, BigDecimal qty,
      BigDecimal notional) {}

  /** Reads and validates a body or a command: exactly one of {@code qty} and {@code notional}. */
  static Request request(JsonObject b) {
    Object symbol = b.getValue("symbol");
    if (!(symbol instanceof String s) || !s.matches("[A-Z][A-Z0-9./-]{0,19}")) {
      throw KeywayException.badField("symbol", "must be a symbol such as AAPL or BTC/USD");
    }
    OrderIntent.Side side = switch (String.valueOf(b.getValue("side"))) {
      case "buy" -> OrderIntent.Side.BUY;
      case "sell" -> OrderIntent.Side.SELL;
      default -> throw KeywayException.badField("side", "must be buy or sell");
    };
    OrderIntent.OrderType type = switch (String.valueOf(b.getValue("type", "market"))) {
      case "market" -> OrderIntent.OrderType.MARKET;
      case "limit" -> OrderIntent.OrderType.LIMIT;
      default -> throw KeywayException.badField("type", "must be market or limit");
    };
    BigDecimal limit = b.getValue("limitPrice") == null ? null : decimal(b, "limitPrice");
    if (type == OrderIntent.OrderType.LIMIT && limit == null) {
      throw KeywayException.badField("limitPrice", "is required for a limit order");
    }
    if (type == OrderIntent.OrderType.MARKET && limit != null) {
      throw KeywayException.badField("limitPrice", "applies to limit orders only");
    }
    BigDecimal qty = b.getValue("qty") == null ? null : decimal(b, "qty");
    BigDecimal notional = b.getValue("notional") == null ? null : decimal(b, "notional");
    if (qty == null && notional == null) {
      throw KeywayException.badField("qty", "is required (or notional, in USD)");
    }
    if (qty != null && notional != null) {
      throw KeywayException.badField("notional", "send either qty or notional, not both");
    }
    if (notional != null && limit != null) {
      sized(notional, limit); // too small for one unit at the limit price: refused now
    }
    return new Request(symbol.toString(), side, type, limit, qty, notional);
  }

  /**
   * The intent of a command: a {@code notional} is sized at the limit price, or for a market order at
   * {@code latestPrice}, the venue's latest price at execution time (422 when the venue has none).
   */
  static OrderIntent intent(JsonObject b, BigDecimal latestPrice) {
    Request r = request(b);
    BigDecimal qty = r.qty();
    if (qty == null) {
      BigDecimal price = r.limitPrice() != null ? r.limitPrice() : latestPrice;
      if (price == null) {
        throw KeywayException.of(io.keyway.errors.ErrorCode.UNPROCESSABLE, "no price for " + r.symbol()
            + " at this venue to size the notional by");
      }
      qty = sized(r.notional(), price);
    } else if (r.type() == OrderIntent.OrderType.MARKET && latestPrice == null) {
      throw KeywayException.of(io.keyway.errors.ErrorCode.UNPROCESSABLE, "no price for " + r.symbol() + " at this venue");
    }
    return new OrderIntent(r.symbol(), r.side(), qty, r.type(), r.limitPrice(), "requested");
  }

  private static BigDecimal sized(BigDecimal notional, BigDecimal price) {
    BigDecimal qty = notional.divide(price, 6, java.math.RoundingMode.DOWN);
    if (qty.signum() <= 0) {
      throw KeywayException.badField("notional", "is too small for one unit at that price");
    }
    return qty;
  }

  /**
   * True when a command asks for the order {@code o} already is (an idempotent repeat). An order by
   * notional matches when its quantity is what that notional buys at the price it was sized at.
   */
  static boolean sameOrder(Order o, JsonObject cmd) {
    Request r = request(cmd);
    boolean same = o.symbol().equals(r.symbol()) && o.side() == r.side() && o.type() == r.type()
        && (o.limitPrice() == null ? r.limitPrice() == null
            : r.limitPrice() != null && o.limitPrice().compareTo(r.limitPrice()) == 0);
    if (!same) {
      return false;
    }
    if (r.qty() != null) {
      return o.qty().compareTo(r.qty()) == 0;
    }
    // qty = notional / price rounded down to 1e-6: the recorded notional lies within one such step (and a cent) below
    BigDecimal price = o.notionalUsd().divide(o.qty(), 8, java.math.RoundingMode.HALF_EVEN);
    BigDecimal gap = r.notional().subtract(o.notionalUsd());
    return gap.compareTo(new BigDecimal("-0.01")) >= 0
        && gap.compareTo(price.multiply(new BigDecimal("0.000001")).add(new BigDecimal("0.01"))) <= 0;
  }

  private static BigDecimal decimal(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v instanceof String s && s.matches("[0-9]{1,15}(\\.[0-9]{1,8})?")) {
      BigDecimal d = new BigDecimal(s);
      if (d.signum() > 0) {
        return d;
      }
    }
    throw KeywayException.badField(field, "must be a positive decimal string");
  }
}

package io.keyway.engine;

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
    OrderIntent intent = intent(body);
    Object cid = body.getValue("clientOrderId");
    if (cid != null && !(cid instanceof String s && s.matches("[A-Za-z0-9._:-]{1,48}"))) {
      throw KeywayException.badField("clientOrderId", "must be 1-48 of letters, digits and . _ : -");
    }
    Object confirm = body.getValue("confirmLive");
    if (confirm != null && !(confirm instanceof Boolean)) {
      throw KeywayException.badField("confirmLive", "must be true or false");
    }
    return new JsonObject().put("op", "place").put("symbol", intent.symbol())
        .put("side", intent.side().name().toLowerCase(Locale.ROOT)).put("qty", intent.qty().toPlainString())
        .put("type", intent.type().name().toLowerCase(Locale.ROOT))
        .put("limitPrice", intent.limitPrice() == null ? null : intent.limitPrice().toPlainString())
        .put("clientOrderId", cid).put("confirmLive", Boolean.TRUE.equals(confirm))
        .put("idempotencyKey", idempotencyKey).put("by", by).put("source", source);
  }

  /** Reads the intent of a body or a command; {@code notional} may stand in for {@code qty} only with a limit price. */
  static OrderIntent intent(JsonObject b) {
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
    BigDecimal qty;
    if (b.getValue("qty") != null) {
      qty = decimal(b, "qty");
    } else if (b.getValue("notional") != null) {
      if (limit == null) {
        throw KeywayException.badField("notional", "needs a limit price here; send qty for a market order");
      }
      qty = decimal(b, "notional").divide(limit, 6, java.math.RoundingMode.DOWN);
      if (qty.signum() <= 0) {
        throw KeywayException.badField("notional", "is too small for one unit at that price");
      }
    } else {
      throw KeywayException.badField("qty", "is required (or notional with a limit price)");
    }
    return new OrderIntent(symbol.toString(), side, qty, type, limit, "requested");
  }

  /** True when two intents ask for the same order (an idempotent repeat). */
  static boolean sameOrder(OrderIntent a, OrderIntent b) {
    return a.symbol().equals(b.symbol()) && a.side() == b.side() && a.type() == b.type()
        && a.qty().compareTo(b.qty()) == 0
        && (a.limitPrice() == null ? b.limitPrice() == null : b.limitPrice() != null && a.limitPrice().compareTo(b.limitPrice()) == 0);
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

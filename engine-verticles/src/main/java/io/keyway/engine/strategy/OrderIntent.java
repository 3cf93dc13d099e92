package io.keyway.engine.strategy;

import java.math.BigDecimal;

/**
 * What a strategy wants done: buy or sell a quantity of a symbol, at market or at a limit. An
 * intent is not an order: risk checks, the approval gate and the rate budget stand between them.
 */
public record OrderIntent(String symbol, Side side, BigDecimal qty, OrderType type, BigDecimal limitPrice, String reason) {
  /** Buy or sell. */
  public enum Side { BUY, SELL }

  /** Market or limit. */
  public enum OrderType { MARKET, LIMIT }

  public OrderIntent {
    if (qty == null || qty.signum() <= 0) {
      throw new IllegalArgumentException("qty must be positive");
    }
    if (type == OrderType.LIMIT && (limitPrice == null || limitPrice.signum() <= 0)) {
      throw new IllegalArgumentException("a limit order needs a positive limit price");
    }
  }

  public static OrderIntent market(String symbol, Side side, BigDecimal qty, String reason) {
    return new OrderIntent(symbol, side, qty, OrderType.MARKET, null, reason);
  }

  /** The notional at {@code price} (the limit price for limit orders). */
  public BigDecimal notional(BigDecimal price) {
    return qty.multiply(type == OrderType.LIMIT ? limitPrice : price);
  }
}

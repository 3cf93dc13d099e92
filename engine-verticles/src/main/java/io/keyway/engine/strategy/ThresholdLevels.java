package io.keyway.engine.strategy;

import java.math.BigDecimal;
import java.util.List;

/**
 * Buys a fixed quantity when the price falls to {@code buyBelow} or lower (cash permitting) and
 * sells it when the price rises to {@code sellAbove} or higher (holdings permitting).
 */
public final class ThresholdLevels implements Strategy {
  public static final String TYPE = "threshold";
  private final String symbol;
  private final BigDecimal buyBelow;
  private final BigDecimal sellAbove;
  private final BigDecimal qty;

  public ThresholdLevels(String symbol, BigDecimal buyBelow, BigDecimal sellAbove, BigDecimal qty) {
    if (buyBelow.compareTo(sellAbove) >= 0) {
      throw io.keyway.errors.KeywayException.badField("strategy.params.sellAbove", "must be above buyBelow");
    }
    this.symbol = symbol;
    this.buyBelow = buyBelow;
    this.sellAbove = sellAbove;
    this.qty = qty;
  }

  static ThresholdLevels from(StrategyParams p) {
    return new ThresholdLevels(p.symbol("symbol"), p.positive("buyBelow"), p.positive("sellAbove"), p.positive("qty"));
  }

  @Override
  public List<OrderIntent> decide(MarketSnapshot market, Portfolio portfolio) {
    BigDecimal price = market.price(symbol).orElse(null);
    if (price == null) {
      return List.of();
    }
    if (price.compareTo(buyBelow) <= 0 && portfolio.cash().compareTo(qty.multiply(price)) >= 0) {
      return List.of(OrderIntent.market(symbol, OrderIntent.Side.BUY, qty, "price " + price + " <= " + buyBelow));
    }
    BigDecimal held = portfolio.qty(symbol);
    if (price.compareTo(sellAbove) >= 0 && held.signum() > 0) {
      return List.of(OrderIntent.market(symbol, OrderIntent.Side.SELL, held.min(qty), "price " + price + " >= " + sellAbove));
    }
    return List.of();
  }
}

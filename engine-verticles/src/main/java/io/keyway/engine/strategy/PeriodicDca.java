package io.keyway.engine.strategy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Dollar-cost averaging: buys {@code notional} worth of a symbol every {@code everySeconds}, cash permitting. */
public final class PeriodicDca implements Strategy {
  public static final String TYPE = "dca";
  private final String symbol;
  private final BigDecimal notional;
  private final Duration every;
  private Instant lastBuy;

  public PeriodicDca(String symbol, BigDecimal notional, Duration every) {
    this.symbol = symbol;
    this.notional = notional;
    this.every = every;
  }

  static PeriodicDca from(StrategyParams p) {
    return new PeriodicDca(p.symbol("symbol"), p.positive("notional"), p.period("everySeconds"));
  }

  @Override
  public List<OrderIntent> decide(MarketSnapshot market, Portfolio portfolio) {
    BigDecimal price = market.price(symbol).orElse(null);
    if (price == null || (lastBuy != null && market.at().isBefore(lastBuy.plus(every)))) {
      return List.of();
    }
    if (portfolio.cash().compareTo(notional) < 0) {
      return List.of();
    }
    BigDecimal qty = notional.divide(price, 6, RoundingMode.DOWN);
    if (qty.signum() <= 0) {
      return List.of();
    }
    lastBuy = market.at();
    return List.of(OrderIntent.market(symbol, OrderIntent.Side.BUY, qty, "periodic buy of " + notional));
  }
}

package io.keyway.engine.strategy;

import java.math.BigDecimal;
import java.util.Map;

/** What an account holds: cash and a quantity per symbol. */
public record Portfolio(BigDecimal cash, Map<String, BigDecimal> positions) {
  public BigDecimal qty(String symbol) {
    return positions.getOrDefault(symbol, BigDecimal.ZERO);
  }

  /** Cash plus every position at the snapshot's price (a position without a price counts zero). */
  public BigDecimal equity(MarketSnapshot market) {
    BigDecimal total = cash;
    for (var e : positions.entrySet()) {
      total = total.add(e.getValue().multiply(market.price(e.getKey()).orElse(BigDecimal.ZERO)));
    }
    return total;
  }
}

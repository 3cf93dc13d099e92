package io.keyway.engine.strategy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Prices as one tick sees them. */
public record MarketSnapshot(Instant at, Map<String, BigDecimal> prices) {
  public Optional<BigDecimal> price(String symbol) {
    return Optional.ofNullable(prices.get(symbol));
  }
}

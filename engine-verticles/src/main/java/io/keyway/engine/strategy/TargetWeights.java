package io.keyway.engine.strategy;

import io.keyway.errors.KeywayException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each symbol near a target share of equity: when any share drifts further than {@code
 * tolerance} from its target, it trades every symbol back to target (sells first, so buys are
 * funded). Weights sum to at most 1; the rest stays cash.
 */
public final class TargetWeights implements Strategy {
  public static final String TYPE = "rebalance";
  private final Map<String, BigDecimal> weights;
  private final BigDecimal tolerance;

  public TargetWeights(Map<String, BigDecimal> weights, BigDecimal tolerance) {
    BigDecimal sum = weights.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    if (sum.compareTo(BigDecimal.ONE) > 0) {
      throw KeywayException.badField("strategy.params.weights", "must sum to at most 1");
    }
    if (tolerance.compareTo(BigDecimal.ONE) >= 0) {
      throw KeywayException.badField("strategy.params.tolerance", "must be below 1");
    }
    this.weights = Map.copyOf(weights);
    this.tolerance = tolerance;
  }

  static TargetWeights from(StrategyParams p) {
    Map<String, BigDecimal> weights = new LinkedHashMap<>();
    var raw = p.object("weights");
    for (String symbol : raw.fieldNames()) {
      StrategyParams one = new StrategyParams(new io.vertx.core.json.JsonObject().put("symbol", symbol)
          .put("weight", raw.getValue(symbol)));
      weights.put(one.symbol("symbol"), one.positive("weight"));
    }
    return new TargetWeights(weights, p.positive("tolerance"));
  }

  @Override
  public List<OrderIntent> decide(MarketSnapshot market, Portfolio portfolio) {
    for (String s : weights.keySet()) {
      if (market.price(s).isEmpty()) {
        return List.of();
      }
    }
    BigDecimal equity = portfolio.equity(market);
    if (equity.signum() <= 0) {
      return List.of();
    }
    boolean drifted = false;
    for (var w : weights.entrySet()) {
      BigDecimal share = portfolio.qty(w.getKey()).multiply(market.price(w.getKey()).get()).divide(equity, 8, RoundingMode.HALF_EVEN);
      if (share.subtract(w.getValue()).abs().compareTo(tolerance) > 0) {
        drifted = true;
      }
    }
    if (!drifted) {
      return List.of();
    }
    List<OrderIntent> sells = new ArrayList<>();
    List<OrderIntent> buys = new ArrayList<>();
    for (var w : weights.entrySet()) {
      BigDecimal price = market.price(w.getKey()).get();
      BigDecimal targetQty = equity.multiply(w.getValue()).divide(price, 6, RoundingMode.DOWN);
      BigDecimal delta = targetQty.subtract(portfolio.qty(w.getKey()));
      if (delta.signum() > 0) {
        buys.add(OrderIntent.market(w.getKey(), OrderIntent.Side.BUY, delta, "rebalance to " + w.getValue()));
      } else if (delta.signum() < 0) {
        sells.add(OrderIntent.market(w.getKey(), OrderIntent.Side.SELL, delta.negate(), "rebalance to " + w.getValue()));
      }
    }
    sells.addAll(buys);
    return sells;
  }
}

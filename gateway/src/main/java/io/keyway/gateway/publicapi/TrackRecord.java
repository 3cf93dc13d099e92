package io.keyway.gateway.publicapi;

import io.keyway.gateway.publicapi.PublicRecords.EquityPoint;
import io.keyway.gateway.publicapi.PublicRecords.Holding;
import io.keyway.gateway.publicapi.PublicRecords.Trade;
import io.keyway.ledger.Money;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.UUID;

/**
 * What the public sees of one strategy, built only from public inputs, so no private field can
 * slip into an answer. Equity is the newest equity point; drawdown is the deepest fall from a
 * running peak over the curve, as a fraction ({@code "0.0512"} is 5.12 %); sleeves are the
 * holdings' shares of equity at cost.
 */
record TrackRecord(UUID id, String name, List<EquityPoint> curve, List<Holding> holdings, List<Trade> trades) {
  /** Points in {@code equityCurve}. */
  static final int CURVE_POINTS = 365;
  /** Fills in {@code trades}. */
  static final int TRADES = 50;

  BigDecimal equity() {
    return curve.isEmpty() ? BigDecimal.ZERO : curve.get(curve.size() - 1).equity();
  }

  BigDecimal maxDrawdown() {
    BigDecimal peak = null;
    BigDecimal worst = BigDecimal.ZERO;
    for (EquityPoint p : curve) {
      if (peak == null || p.equity().compareTo(peak) > 0) {
        peak = p.equity();
      }
      if (peak.signum() > 0) {
        BigDecimal fall = peak.subtract(p.equity()).divide(peak, 4, RoundingMode.HALF_EVEN);
        worst = worst.max(fall);
      }
    }
    return worst;
  }

  /** {@code GET /api/public/strategies} items: {@code {id, name, equity, drawdown}}. */
  JsonObject toSummaryJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("equity", Money.format(equity()))
        .put("drawdown", maxDrawdown().toPlainString());
  }

  /** {@code GET /api/public/strategies/{id}}. */
  JsonObject toJson() {
    BigDecimal equity = equity();
    JsonArray sleeves = new JsonArray(holdings.stream().map(h -> new JsonObject().put("symbol", h.symbol())
        .put("weight", equity.signum() <= 0 ? "0"
            : h.qty().multiply(h.avgPrice()).divide(equity, 4, RoundingMode.HALF_EVEN).toPlainString())).toList());
    JsonArray fills = new JsonArray(trades.stream().map(t -> new JsonObject().put("t", t.t().toString())
        .put("symbol", t.symbol()).put("side", t.side()).put("qty", t.qty().stripTrailingZeros().toPlainString())
        .put("price", t.price() == null ? null : Money.format(t.price()))).toList());
    JsonArray points = new JsonArray(curve.stream().map(p -> new JsonObject().put("t", p.t().toString())
        .put("equity", Money.format(p.equity()))).toList());
    return toSummaryJson().put("sleeves", sleeves).put("trades", fills).put("equityCurve", points);
  }
}

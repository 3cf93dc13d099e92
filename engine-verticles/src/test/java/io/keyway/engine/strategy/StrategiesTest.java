package io.keyway.engine.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StrategiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static MarketSnapshot at(Instant t, String symbol, String price) {
    return new MarketSnapshot(t, Map.of(symbol, new BigDecimal(price)));
  }

  private static Portfolio cash(String cash) {
    return new Portfolio(new BigDecimal(cash), Map.of());
  }

  @Test
  @DisplayName("threshold levels buy at or below the lower level, sell at or above the upper, and do nothing between")
  void threshold() {
    Strategy s = Strategies.create("threshold", new JsonObject().put("symbol", "AAPL").put("buyBelow", "100")
        .put("sellAbove", "120").put("qty", "2"));
    assertThat(s.decide(at(T0, "AAPL", "110"), cash("1000"))).isEmpty();
    List<OrderIntent> buy = s.decide(at(T0, "AAPL", "99.5"), cash("1000"));
    assertThat(buy).singleElement().satisfies(o -> {
      assertThat(o.side()).isEqualTo(OrderIntent.Side.BUY);
      assertThat(o.qty()).isEqualByComparingTo("2");
    });
    assertThat(s.decide(at(T0, "AAPL", "99.5"), cash("100"))).as("not enough cash").isEmpty();
    Portfolio holding = new Portfolio(BigDecimal.ZERO, Map.of("AAPL", new BigDecimal("1.5")));
    assertThat(s.decide(at(T0, "AAPL", "120"), holding)).singleElement()
        .satisfies(o -> assertThat(o.qty()).isEqualByComparingTo("1.5"));
    assertThat(s.decide(at(T0, "AAPL", "130"), cash("0"))).as("nothing to sell").isEmpty();
  }

  @Test
  @DisplayName("periodic DCA buys its notional once per period")
  void dca() {
    Strategy s = Strategies.create("dca", new JsonObject().put("symbol", "BTC/USD").put("notional", "50").put("everySeconds", 3600));
    List<OrderIntent> first = s.decide(at(T0, "BTC/USD", "40000"), cash("100"));
    assertThat(first).singleElement().satisfies(o -> assertThat(o.qty()).isEqualByComparingTo("0.00125"));
    assertThat(s.decide(at(T0.plusSeconds(1800), "BTC/USD", "40000"), cash("100"))).isEmpty();
    assertThat(s.decide(at(T0.plusSeconds(3600), "BTC/USD", "40000"), cash("100"))).hasSize(1);
    assertThat(s.decide(at(T0.plusSeconds(9000), "BTC/USD", "40000"), cash("10"))).as("not enough cash").isEmpty();
  }

  @Test
  @DisplayName("target weights rebalance only past the tolerance, selling before buying")
  void rebalance() {
    Strategy s = Strategies.create("rebalance", new JsonObject()
        .put("weights", new JsonObject().put("AAA", "0.5").put("BBB", "0.5")).put("tolerance", "0.05"));
    MarketSnapshot m = new MarketSnapshot(T0, Map.of("AAA", new BigDecimal("10"), "BBB", new BigDecimal("20")));
    Portfolio balanced = new Portfolio(BigDecimal.ZERO, Map.of("AAA", new BigDecimal("50"), "BBB", new BigDecimal("25")));
    assertThat(s.decide(m, balanced)).isEmpty();
    Portfolio drifted = new Portfolio(BigDecimal.ZERO, Map.of("AAA", new BigDecimal("80"), "BBB", new BigDecimal("10")));
    List<OrderIntent> trades = s.decide(m, drifted);
    assertThat(trades).extracting(OrderIntent::side).containsExactly(OrderIntent.Side.SELL, OrderIntent.Side.BUY);
    assertThat(trades.get(0).qty()).isEqualByComparingTo("30"); // 1000 equity: AAA to 50
    assertThat(trades.get(1).qty()).isEqualByComparingTo("15"); // BBB to 25
  }

  @Test
  @DisplayName("parameters are validated when an account is created, each error naming its field")
  void validation() {
    record Case(String type, JsonObject params, String field) {}
    for (Case c : new Case[] {
        new Case("martingale", new JsonObject(), "strategy.type"),
        new Case("threshold", new JsonObject().put("symbol", "aapl").put("buyBelow", "1").put("sellAbove", "2").put("qty", "1"), "strategy.params.symbol"),
        new Case("threshold", new JsonObject().put("symbol", "AAPL").put("buyBelow", 1).put("sellAbove", "2").put("qty", "1"), "strategy.params.buyBelow"),
        new Case("threshold", new JsonObject().put("symbol", "AAPL").put("buyBelow", "3").put("sellAbove", "2").put("qty", "1"), "strategy.params.sellAbove"),
        new Case("dca", new JsonObject().put("symbol", "AAPL").put("notional", "-5").put("everySeconds", 60), "strategy.params.notional"),
        new Case("dca", new JsonObject().put("symbol", "AAPL").put("notional", "5").put("everySeconds", 0.5), "strategy.params.everySeconds"),
        new Case("rebalance", new JsonObject().put("weights", new JsonObject().put("A", "0.7").put("B", "0.7")).put("tolerance", "0.1"), "strategy.params.weights"),
        new Case("rebalance", new JsonObject().put("weights", new JsonObject()).put("tolerance", "0.1"), "strategy.params.weights")}) {
      assertThatThrownBy(() -> Strategies.create(c.type(), c.params())).as(c.field())
          .isInstanceOfSatisfying(KeywayException.class, e -> assertThat(e.field()).hasValue(c.field()));
    }
  }
}

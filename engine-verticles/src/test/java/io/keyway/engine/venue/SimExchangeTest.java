package io.keyway.engine.venue;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.engine.strategy.OrderIntent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SimExchangeTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static SimExchange exchange(long seed) {
    return new SimExchange(seed, Map.of("AAPL", new BigDecimal("100"), "MSFT", new BigDecimal("300")), 0.01,
        new BigDecimal("10"), new BigDecimal("5"), new BigDecimal("10"));
  }

  @Test
  @DisplayName("the same seed gives the same prices; another seed does not")
  void reproducible() {
    SimExchange a = exchange(42);
    SimExchange b = exchange(42);
    SimExchange c = exchange(43);
    for (int i = 0; i < 100; i++) {
      a.step(T.plusSeconds(i));
      b.step(T.plusSeconds(i));
      c.step(T.plusSeconds(i));
    }
    assertThat(a.snapshot(T).prices()).isEqualTo(b.snapshot(T).prices()).isNotEqualTo(c.snapshot(T).prices());
  }

  @Test
  @DisplayName("a market buy fills at once at the price plus slippage, with a fee; a large one fills in parts")
  void marketAndPartialFills() {
    SimExchange x = exchange(1);
    List<SimExchange.Fill> fills = new ArrayList<>();
    x.submit("o1", OrderIntent.market("AAPL", OrderIntent.Side.BUY, new BigDecimal("4"), "t"), T, fills);
    assertThat(fills).singleElement().satisfies(f -> {
      assertThat(f.price()).isEqualByComparingTo("100.05"); // 5 bps slippage
      assertThat(f.fee()).isEqualByComparingTo("0.4002");  // 10 bps of 400.20
    });
    fills.clear();
    SimExchange.Order big = x.submit("o2", OrderIntent.market("AAPL", OrderIntent.Side.BUY, new BigDecimal("25"), "t"), T, fills);
    assertThat(big.filledQty()).isEqualByComparingTo("10");
    assertThat(big.open()).isTrue();
    x.step(T.plusSeconds(1));
    x.step(T.plusSeconds(2));
    assertThat(big.filledQty()).isEqualByComparingTo("25");
    assertThat(big.open()).isFalse();
  }

  @Test
  @DisplayName("a limit order waits until the price crosses it, and never fills beyond its limit")
  void limitOrders() {
    SimExchange x = exchange(7);
    List<SimExchange.Fill> fills = new ArrayList<>();
    SimExchange.Order o = x.submit("l1", new OrderIntent("AAPL", OrderIntent.Side.BUY, new BigDecimal("1"),
        OrderIntent.OrderType.LIMIT, new BigDecimal("95"), "t"), T, fills);
    assertThat(fills).isEmpty();
    List<SimExchange.Fill> later = new ArrayList<>();
    for (int i = 0; i < 5000 && o.open(); i++) {
      later.addAll(x.step(T.plusSeconds(i)));
    }
    assertThat(o.open()).as("the walk reached 95 within 5000 steps").isFalse();
    assertThat(later).allSatisfy(f -> assertThat(f.price()).isLessThanOrEqualTo(new BigDecimal("95")));
  }

  @Test
  @DisplayName("the same client order id never trades twice")
  void idempotentByClientOrderId() {
    SimExchange x = exchange(3);
    List<SimExchange.Fill> fills = new ArrayList<>();
    OrderIntent i = OrderIntent.market("MSFT", OrderIntent.Side.BUY, new BigDecimal("1"), "t");
    SimExchange.Order first = x.submit("same", i, T, fills);
    SimExchange.Order again = x.submit("same", i, T, fills);
    assertThat(again).isSameAs(first);
    assertThat(fills).hasSize(1);
    assertThat(x.cancel("same")).as("already filled").isFalse();
  }
}

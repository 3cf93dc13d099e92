package io.keyway.engine.venue;

import io.keyway.engine.strategy.MarketSnapshot;
import io.keyway.engine.strategy.OrderIntent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The built-in simulated exchange, plain Java and reproducible: a seeded random walk per symbol,
 * market orders filled at once at the price plus slippage, limit orders filled when the price
 * crosses them, at most {@code maxFillQty} per step (so large orders fill partially), fees in
 * basis points of the notional. An order is known by its client order id: submitting the same id
 * again answers the existing order, so a retried intent never trades twice.
 */
public final class SimExchange {
  private static final MathContext MC = new MathContext(16, RoundingMode.HALF_EVEN);
  private static final BigDecimal BPS = new BigDecimal("10000");

  /** An order as the exchange keeps it. */
  public static final class Order {
    public final String clientOrderId;
    public final OrderIntent intent;
    BigDecimal filledQty = BigDecimal.ZERO;
    BigDecimal filledNotional = BigDecimal.ZERO;
    boolean canceled;

    Order(String clientOrderId, OrderIntent intent) {
      this.clientOrderId = clientOrderId;
      this.intent = intent;
    }

    public BigDecimal filledQty() {
      return filledQty;
    }

    public boolean open() {
      return !canceled && filledQty.compareTo(intent.qty()) < 0;
    }

    public boolean canceled() {
      return canceled;
    }

    /** Average fill price, or null before the first fill. */
    public BigDecimal avgFillPrice() {
      return filledQty.signum() == 0 ? null : filledNotional.divide(filledQty, 8, RoundingMode.HALF_EVEN);
    }
  }

  /** One fill: quantity, price and fee of a part of an order. */
  public record Fill(String clientOrderId, String symbol, OrderIntent.Side side, BigDecimal qty, BigDecimal price,
      BigDecimal fee, Instant at) {}

  private final Map<String, BigDecimal> prices = new LinkedHashMap<>();
  private final Map<String, Random> walks = new LinkedHashMap<>();
  private final Map<String, Order> orders = new LinkedHashMap<>();
  private final long seed;
  private final double volatility;
  private final BigDecimal feeBps;
  private final BigDecimal slippageBps;
  private final BigDecimal maxFillQty;

  public SimExchange(long seed, Map<String, BigDecimal> startPrices, double volatility, BigDecimal feeBps,
      BigDecimal slippageBps, BigDecimal maxFillQty) {
    this.seed = seed;
    this.volatility = volatility;
    this.feeBps = feeBps;
    this.slippageBps = slippageBps;
    this.maxFillQty = maxFillQty;
    startPrices.forEach((s, p) -> {
      prices.put(s, p);
      walks.put(s, new Random(seed * 31 + s.hashCode()));
    });
  }

  public long seed() {
    return seed;
  }

  /** Moves every price one step and fills what the new prices allow. */
  public List<Fill> step(Instant at) {
    for (var e : walks.entrySet()) {
      double z = e.getValue().nextGaussian();
      BigDecimal factor = BigDecimal.valueOf(Math.exp(volatility * z));
      prices.put(e.getKey(), prices.get(e.getKey()).multiply(factor, MC).setScale(4, RoundingMode.HALF_EVEN));
    }
    return match(at);
  }

  public MarketSnapshot snapshot(Instant at) {
    return new MarketSnapshot(at, Map.copyOf(prices));
  }

  /** Accepts an order (or answers the one already known by that id) and fills what it can now. */
  public Order submit(String clientOrderId, OrderIntent intent, Instant at, List<Fill> fills) {
    if (!prices.containsKey(intent.symbol())) {
      throw new IllegalArgumentException("unknown symbol " + intent.symbol());
    }
    Order existing = orders.get(clientOrderId);
    if (existing != null) {
      return existing;
    }
    Order order = new Order(clientOrderId, intent);
    orders.put(clientOrderId, order);
    fills.addAll(match(at));
    return order;
  }

  /** Cancels what is left of an order; answers false when it was already done or unknown. */
  public boolean cancel(String clientOrderId) {
    Order o = orders.get(clientOrderId);
    if (o == null || !o.open()) {
      return false;
    }
    o.canceled = true;
    return true;
  }

  public Order order(String clientOrderId) {
    return orders.get(clientOrderId);
  }

  private List<Fill> match(Instant at) {
    List<Fill> fills = new ArrayList<>();
    for (Order o : orders.values()) {
      if (!o.open()) {
        continue;
      }
      BigDecimal price = prices.get(o.intent.symbol());
      boolean buy = o.intent.side() == OrderIntent.Side.BUY;
      BigDecimal slip = price.multiply(slippageBps).divide(BPS, MC);
      BigDecimal execution = buy ? price.add(slip) : price.subtract(slip);
      if (o.intent.type() == OrderIntent.OrderType.LIMIT) {
        BigDecimal limit = o.intent.limitPrice();
        boolean crosses = buy ? price.compareTo(limit) <= 0 : price.compareTo(limit) >= 0;
        if (!crosses) {
          continue;
        }
        execution = buy ? execution.min(limit) : execution.max(limit);
      }
      BigDecimal qty = o.intent.qty().subtract(o.filledQty).min(maxFillQty);
      execution = execution.setScale(4, RoundingMode.HALF_EVEN);
      BigDecimal fee = qty.multiply(execution).multiply(feeBps).divide(BPS, MC).setScale(8, RoundingMode.HALF_EVEN);
      o.filledQty = o.filledQty.add(qty);
      o.filledNotional = o.filledNotional.add(qty.multiply(execution));
      fills.add(new Fill(o.clientOrderId, o.intent.symbol(), o.intent.side(), qty, execution, fee, at));
    }
    return fills;
  }
}

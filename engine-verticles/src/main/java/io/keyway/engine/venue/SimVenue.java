package io.keyway.engine.venue;

import io.keyway.engine.strategy.OrderIntent;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The built-in {@code sim} venue for one account: a {@link SimExchange} seeded from the account id
 * (so an account's market is reproducible), stepped once per engine tick. It needs no credential.
 * The average fill price it reports includes the fee, so the engine books what the fills cost.
 */
public final class SimVenue implements Venue {
  private static final Map<String, BigDecimal> START = Map.of(
      "AAPL", new BigDecimal("100"), "MSFT", new BigDecimal("300"), "SPY", new BigDecimal("450"),
      "BTC/USD", new BigDecimal("40000"), "ETH/USD", new BigDecimal("2500"));

  private final SimExchange exchange;
  private final Clock clock;
  private final Map<String, BigDecimal> fees = new LinkedHashMap<>();

  public SimVenue(UUID accountId, Clock clock) {
    this.exchange = new SimExchange(accountId.getMostSignificantBits() ^ accountId.getLeastSignificantBits(), START, 0.004,
        new BigDecimal("10"), new BigDecimal("5"), new BigDecimal("1000"));
    this.clock = clock;
  }

  /** Symbols this venue quotes. */
  public static boolean quotes(String symbol) {
    return START.containsKey(symbol);
  }

  /** Moves the market one step (once per tick). */
  public void step() {
    record(exchange.step(clock.instant()));
  }

  @Override
  public Future<AccountState> account(VenueCredential credential) {
    return Future.failedFuture(new VenueException(VenueException.Kind.NOT_FOUND, "the sim venue keeps no account", null));
  }

  @Override
  public Future<List<Position>> positions(VenueCredential credential) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<OrderState> submit(VenueCredential credential, String clientOrderId, OrderIntent intent) {
    if (!quotes(intent.symbol())) {
      return Future.failedFuture(new VenueException(VenueException.Kind.REJECTED, "unknown symbol " + intent.symbol(), null));
    }
    List<SimExchange.Fill> fills = new ArrayList<>();
    exchange.submit(clientOrderId, intent, clock.instant(), fills);
    record(fills);
    return order(credential, clientOrderId);
  }

  @Override
  public Future<OrderState> order(VenueCredential credential, String clientOrderId) {
    SimExchange.Order o = exchange.order(clientOrderId);
    if (o == null) {
      return Future.failedFuture(new VenueException(VenueException.Kind.NOT_FOUND, "no such order", null));
    }
    String status = o.canceled() ? "canceled" : !o.open() ? "filled" : o.filledQty().signum() > 0 ? "partially_filled" : "accepted";
    BigDecimal avg = o.avgFillPrice();
    if (avg != null) {
      BigDecimal feePerUnit = fees.getOrDefault(clientOrderId, BigDecimal.ZERO).divide(o.filledQty(), 8, RoundingMode.HALF_EVEN);
      avg = o.intent.side() == OrderIntent.Side.BUY ? avg.add(feePerUnit) : avg.subtract(feePerUnit);
    }
    return Future.succeededFuture(new OrderState(clientOrderId, clientOrderId, status, o.filledQty(), avg));
  }

  @Override
  public Future<Void> cancel(VenueCredential credential, String clientOrderId) {
    exchange.cancel(clientOrderId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<String, BigDecimal>> prices(VenueCredential credential, List<String> symbols) {
    Map<String, BigDecimal> all = exchange.snapshot(clock.instant()).prices();
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    symbols.forEach(s -> {
      if (all.containsKey(s)) {
        out.put(s, all.get(s));
      }
    });
    return Future.succeededFuture(out);
  }

  private void record(List<SimExchange.Fill> fills) {
    fills.forEach(f -> fees.merge(f.clientOrderId(), f.fee(), BigDecimal::add));
  }
}

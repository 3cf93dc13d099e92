package io.keyway.engine.strategy;

import java.util.List;

/**
 * A trading strategy: given the market and the portfolio at a tick, the orders it wants. Plain and
 * deterministic given its state; it never talks to a venue, a database or the event bus.
 */
public interface Strategy {
  List<OrderIntent> decide(MarketSnapshot market, Portfolio portfolio);
}

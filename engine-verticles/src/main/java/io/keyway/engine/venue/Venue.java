package io.keyway.engine.venue;

import io.keyway.engine.strategy.OrderIntent;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A place orders go. Every call carries the credential to use (null for a venue that needs none);
 * an implementation never keeps it. An order is known by its client order id, so a retry after a
 * timeout or a 429 reaches the venue as the same order, never as a second one. Failures are
 * {@link VenueException}s that say whether and when to retry.
 */
public interface Venue {
  /** Cash and equity as the venue reports them. */
  record AccountState(BigDecimal cash, BigDecimal equity) {}

  /** A position as the venue reports it. */
  record Position(String symbol, BigDecimal qty, BigDecimal avgPrice) {}

  /** An order as the venue reports it; {@code status} uses the API's order statuses. */
  record OrderState(String clientOrderId, String venueOrderId, String status, BigDecimal filledQty, BigDecimal avgFillPrice) {}

  Future<AccountState> account(VenueCredential credential);

  Future<List<Position>> positions(VenueCredential credential);

  /** Submits (or, for a client order id it already knows, answers) an order. */
  Future<OrderState> submit(VenueCredential credential, String clientOrderId, OrderIntent intent);

  Future<OrderState> order(VenueCredential credential, String clientOrderId);

  Future<Void> cancel(VenueCredential credential, String clientOrderId);

  /** Latest prices of the symbols (a missing symbol is left out). */
  Future<Map<String, BigDecimal>> prices(VenueCredential credential, List<String> symbols);
}

package io.keyway.engine;

import io.keyway.engine.order.OrderStore;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Equity points of every engine of a node, written in batches: engines {@link #add} (at most one
 * point per account per {@link #EVERY}), and {@link #flush} writes what gathered with one statement
 * per tenant. A point is history, not money: one lost in a crash is a gap in a chart, never a
 * wrong balance. Thread-safe (engines run on several event loops).
 */
public final class EquityRecorder {
  /** The spacing of equity points of one account. */
  public static final Duration EVERY = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(EquityRecorder.class);

  private final OrderStore store;
  private Map<UUID, List<OrderStore.EquityPoint>> pending = new HashMap<>();

  public EquityRecorder(OrderStore store) {
    this.store = store;
  }

  /** Keeps a point for the next flush. */
  public synchronized void add(UUID tenantId, UUID accountId, Instant t, BigDecimal equity) {
    pending.computeIfAbsent(tenantId, k -> new ArrayList<>()).add(new OrderStore.EquityPoint(accountId, t, equity));
  }

  /** Writes what gathered since the last flush: one statement per tenant. */
  public Future<Void> flush() {
    Map<UUID, List<OrderStore.EquityPoint>> batch;
    synchronized (this) {
      if (pending.isEmpty()) {
        return Future.succeededFuture();
      }
      batch = pending;
      pending = new HashMap<>();
    }
    return Future.join(batch.entrySet().stream().map(e -> store.recordEquity(e.getKey(), e.getValue())
            .onFailure(x -> LOG.warn("{} equity point(s) of tenant {} were not written: {}", e.getValue().size(), e.getKey(),
                x.getMessage())))
        .toList()).mapEmpty();
  }
}

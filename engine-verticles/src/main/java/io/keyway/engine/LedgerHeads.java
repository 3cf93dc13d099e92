package io.keyway.engine;

import io.keyway.ledger.LedgerAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest ledger head of each tenant this node has seen committed. An engine keeps its cash (its
 * allocation's balance) in memory and reads it again only when its tenant's head moved since, so a
 * tick in which nothing was booked reads nothing. One listener per node, shared by every engine; a
 * cluster-wide one, since a capital flow may be booked by any node's ledger writer.
 */
public final class LedgerHeads {
  private final Map<UUID, Long> heads = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  /** Starts following {@link LedgerAddresses#HEAD_ADVANCED}. */
  public Future<Void> follow(Vertx vertx) {
    consumer = vertx.eventBus().consumer(LedgerAddresses.HEAD_ADVANCED, m ->
        heads.merge(UUID.fromString(m.body().getString("tenantId")), m.body().getLong("seq"), Math::max));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The newest head seen for the tenant, 0 when none was seen yet. */
  public long head(UUID tenantId) {
    return heads.getOrDefault(tenantId, 0L);
  }
}

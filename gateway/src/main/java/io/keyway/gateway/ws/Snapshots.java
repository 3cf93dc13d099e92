package io.keyway.gateway.ws;

import io.keyway.engine.order.Order;
import io.keyway.engine.order.OrderStore;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.http.TradingActions;
import io.keyway.gateway.identity.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The visibility rule of a subscription, checked at every subscribe and again whenever the account
 * changes, and the snapshot a subscription starts from. The rule and the snapshot are the REST ones,
 * taken from {@link TradingActions}: admins see every account of their tenant, everyone else their
 * own; a foreign account fails exactly like a missing one ({@code not_found}).
 */
final class Snapshots {
  /** A subscription's starting state and the seq it is current to. */
  record Snapshot(JsonObject state, long seq) {}

  private final TradingActions trading;
  private final OrderStore orders;

  Snapshots(TradingActions trading, OrderStore orders) {
    this.trading = trading;
    this.orders = orders;
  }

  Future<Snapshot> of(Principal p, Stream stream, UUID accountId) {
    if (stream == Stream.TENANT) {
      if (!p.isAdmin()) {
        return Future.failedFuture(KeywayException.forbidden("the tenant stream is for admins"));
      }
      return trading.listAccounts(p).map(accounts -> new Snapshot(new JsonObject().put("accounts", accounts), 0));
    }
    return trading.snapshot(p, accountId)
        .compose(s -> {
          long seq = s.getLong("seq", 0L);
          if (stream == Stream.BALANCE) {
            s.remove("positions");
            return Future.succeededFuture(new Snapshot(s, seq));
          }
          return orders.open(p.tenantId(), accountId).map(open -> new Snapshot(new JsonObject()
              .put("accountId", accountId.toString())
              .put("orders", new JsonArray(open.stream().map(Order::toJson).toList())), seq));
        });
  }

  /** Whether the caller may still see the account; false for a missing one too. */
  Future<Boolean> stillVisible(Principal p, UUID accountId) {
    return trading.visible(p, accountId).map(a -> true).recover(e -> e instanceof KeywayException k
        && k.code() == ErrorCode.NOT_FOUND ? Future.succeededFuture(false) : Future.failedFuture(e));
  }
}

package io.keyway.gateway.http;

import io.keyway.engine.ApprovalStore;
import io.keyway.engine.EngineClient;
import io.keyway.engine.OrderCommands;
import io.keyway.engine.account.Account;
import io.keyway.engine.account.AccountStore;
import io.keyway.engine.order.Order;
import io.keyway.engine.order.OrderStore;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.gateway.identity.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of trading on an account, whoever asks: the REST routes and the MCP tools both call
 * these, so visibility (another owner's account is a 404), validation and the engine's audit are
 * the same on both. Viewers read; the callers gate the actions by role.
 */
public final class TradingActions {
  private static final Set<String> STATUSES = Set.of("awaiting_approval", "pending", "accepted", "partially_filled",
      "filled", "canceled", "rejected", "expired");
  private static final Set<String> APPROVAL_STATUSES = Set.of("pending", "approved", "rejected", "expired");
  private final AccountStore accounts;
  private final OrderStore orders;
  private final ApprovalStore approvals;
  private final EngineClient engines;

  public TradingActions(AccountStore accounts, OrderStore orders, ApprovalStore approvals, EngineClient engines) {
    this.accounts = accounts;
    this.orders = orders;
    this.approvals = approvals;
    this.engines = engines;
  }

  /** The accounts the caller may see, as {@code GET /api/accounts} lists them. */
  public Future<JsonArray> listAccounts(Principal p) {
    return accounts.list(p.tenantId(), TradingAccountRoutes.visibleTo(p))
        .map(list -> new JsonArray(list.stream().map(Account::toSummaryJson).toList()));
  }

  /** One account, if the caller may see it; a 404 otherwise. */
  public Future<Account> visible(Principal p, UUID accountId) {
    return accounts.get(p.tenantId(), accountId, TradingAccountRoutes.visibleTo(p));
  }

  /** Places an order as {@code POST /api/accounts/{id}/orders}; {@code idempotencyKey} may be null. */
  public Future<JsonObject> placeOrder(Principal p, UUID accountId, JsonObject body, String idempotencyKey) {
    if (idempotencyKey != null && !LedgerRoutes.IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      return Future.failedFuture(KeywayException.badField("Idempotency-Key", "must be 1-255 visible ASCII characters"));
    }
    JsonObject command;
    try {
      command = OrderCommands.place(body, idempotencyKey, AuditTrail.actor(p),
          p.kind() == Principal.Kind.API_TOKEN ? "agent" : "api");
    } catch (KeywayException e) {
      return Future.failedFuture(e);
    }
    return visible(p, accountId).compose(a -> engines.send(a.id(), command));
  }

  /** Sets an account {@code active} or {@code halted}. */
  public Future<JsonObject> setMode(Principal p, UUID accountId, String status, String rawReason) {
    if (!"active".equals(status) && !"halted".equals(status)) {
      return Future.failedFuture(KeywayException.badField("status", "must be active or halted"));
    }
    return checked(() -> rawReason == null ? null : reason(rawReason)).compose(reason -> visible(p, accountId)
        .compose(a -> engines.send(a.id(), new JsonObject().put("op", "mode").put("status", status)
            .put("reason", reason).put("by", AuditTrail.actor(p)))));
  }

  /** Halts an account and cancels its open orders. */
  public Future<JsonObject> kill(Principal p, UUID accountId, String rawReason) {
    return checked(() -> reason(rawReason)).compose(reason -> visible(p, accountId)
        .compose(a -> engines.send(a.id(), new JsonObject().put("op", "kill").put("reason", reason)
            .put("by", AuditTrail.actor(p)))));
  }

  /** The engine's balance snapshot, positions included under {@code positions}. */
  public Future<JsonObject> snapshot(Principal p, UUID accountId) {
    return visible(p, accountId)
        .compose(a -> engines.send(a.id(), new JsonObject().put("op", "snapshot").put("by", "reader")));
  }

  /** A page of orders, newest first: {@code {items, nextCursor}}. */
  public Future<JsonObject> listOrders(Principal p, UUID accountId, String status, Instant from, Instant to,
      String cursor, int limit) {
    if (status != null && !STATUSES.contains(status)) {
      return Future.failedFuture(KeywayException.badField("status", "must be one of " + String.join(", ", STATUSES)));
    }
    return checked(() -> cursor(cursor)).compose(after -> visible(p, accountId)
        .compose(a -> (after == null ? Future.<Order>succeededFuture(null) : orders.get(p.tenantId(), after)
                .recover(e -> Future.failedFuture(KeywayException.badField("cursor", "is not a cursor this API issued"))))
            .compose(last -> orders.list(p.tenantId(), a.id(), status, from, to, last, limit + 1))))
        .map(list -> {
          boolean more = list.size() > limit;
          List<Order> page = more ? list.subList(0, limit) : list;
          return new JsonObject()
              .put("items", new JsonArray(page.stream().map(Order::toJson).toList()))
              .put("nextCursor", more ? encode(page.get(page.size() - 1).id()) : null);
        });
  }

  /** The newest {@code points} equity points of an account, oldest first. */
  public Future<JsonArray> equity(Principal p, UUID accountId, int points) {
    return visible(p, accountId).compose(a -> orders.equityHistory(p.tenantId(), a.id(), points)).map(JsonArray::new);
  }

  /** Approvals of the tenant (admins) or of the caller's own accounts, each with its order. */
  public Future<JsonArray> listApprovals(Principal p, String status) {
    if (status != null && !APPROVAL_STATUSES.contains(status)) {
      return Future.failedFuture(KeywayException.badField("status", "must be pending, approved, rejected or expired"));
    }
    return approvals.list(p.tenantId(), status, p.isAdmin() ? null : p.userId())
        .compose(list -> Future.all(list.stream().map(ap -> orders.get(p.tenantId(), ap.orderId())
                .map(o -> ap.toJson(o.toJson()))).toList())
            .map(all -> new JsonArray(all.<JsonObject>list())));
  }

  /**
   * Approves or rejects a pending order; a reason is required to reject. Approving is a person's
   * decision (the human in the loop): an API token, which is what agents hold, may reject an order but
   * never approve one, its own or another's.
   */
  public Future<JsonObject> decide(Principal p, UUID approvalId, boolean approve, String rawReason) {
    if (approve && p.kind() == Principal.Kind.API_TOKEN) {
      return Future.failedFuture(KeywayException.forbidden(
          "approving an order needs a person signed in, not an API token; an API token may reject it"));
    }
    return checked(() -> approve ? (rawReason == null ? null : reason(rawReason)) : reason(rawReason))
        .compose(reason -> approvals.get(p.tenantId(), approvalId)
            .compose(ap -> visible(p, ap.accountId()).map(a -> ap)
                .recover(e -> Future.failedFuture(KeywayException.notFound("approval"))))
            .compose(ap -> engines.send(ap.accountId(), new JsonObject().put("op", approve ? "approve" : "reject")
                .put("approvalId", approvalId.toString()).put("reason", reason).put("by", AuditTrail.actor(p)))));
  }

  private static String reason(String raw) {
    String s = raw == null ? "" : raw.strip();
    if (s.isEmpty() || s.length() > 500) {
      throw KeywayException.badField("reason", "must be 1-500 characters");
    }
    return s;
  }

  private static <T> Future<T> checked(java.util.concurrent.Callable<T> validation) {
    try {
      return Future.succeededFuture(validation.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private static String encode(UUID id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + id).getBytes(StandardCharsets.US_ASCII));
  }

  private static UUID cursor(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII);
      if (s.startsWith("o:")) {
        return UUID.fromString(s.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw KeywayException.badField("cursor", "is not a cursor this API issued");
  }
}

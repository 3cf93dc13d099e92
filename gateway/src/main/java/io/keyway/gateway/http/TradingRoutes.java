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
import io.keyway.gateway.identity.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Trading on an account: orders, mode, kill switch, balance, positions, history, equity, and the
 * approvals queue. An account answers only to its owner and the tenant's admins: for anyone else
 * it does not exist (404). Viewers read; operators and admins act.
 */
final class TradingRoutes {
  private static final Set<String> STATUSES = Set.of("awaiting_approval", "pending", "accepted", "partially_filled",
      "filled", "canceled", "rejected", "expired");
  private final AccountStore accounts;
  private final OrderStore orders;
  private final ApprovalStore approvals;
  private final EngineClient engines;

  TradingRoutes(AccountStore accounts, OrderStore orders, ApprovalStore approvals, EngineClient engines) {
    this.accounts = accounts;
    this.orders = orders;
    this.approvals = approvals;
    this.engines = engines;
  }

  void mount(Router router, AuthGuard guard) {
    var operator = AuthGuard.role(Role.OPERATOR);
    router.post("/api/accounts/:id/orders").handler(guard.ready()).handler(operator).handler(this::placeOrder);
    router.get("/api/accounts/:id/orders").handler(guard.ready()).handler(this::listOrders);
    router.post("/api/accounts/:id/mode").handler(guard.ready()).handler(operator).handler(this::mode);
    router.post("/api/accounts/:id/kill").handler(guard.ready()).handler(operator).handler(this::kill);
    router.get("/api/accounts/:id/balance").handler(guard.ready()).handler(ctx -> snapshot(ctx, false));
    router.get("/api/accounts/:id/positions").handler(guard.ready()).handler(ctx -> snapshot(ctx, true));
    router.get("/api/accounts/:id/equity").handler(guard.ready()).handler(this::equity);
    router.get("/api/approvals").handler(guard.ready()).handler(this::listApprovals);
    router.post("/api/approvals/:id/approve").handler(guard.ready()).handler(operator).handler(ctx -> decide(ctx, true));
    router.post("/api/approvals/:id/reject").handler(guard.ready()).handler(operator).handler(ctx -> decide(ctx, false));
  }

  private Future<Account> visible(RoutingContext ctx, UUID accountId) {
    Principal p = AuthGuard.principal(ctx);
    return accounts.get(p.tenantId(), accountId, TradingAccountRoutes.visibleTo(p));
  }

  private void placeOrder(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    UUID id = RequestBody.pathId(ctx, "id");
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !key.matches("[\\x21-\\x7e]{1,255}")) {
      throw KeywayException.badField("Idempotency-Key", "must be 1-255 visible ASCII characters");
    }
    JsonObject command = OrderCommands.place(RequestBody.of(ctx).json(), key, AuditTrail.actor(p),
        p.kind() == Principal.Kind.API_TOKEN ? "agent" : "api");
    visible(ctx, id).compose(a -> engines.send(a.id(), command))
        .onSuccess(order -> Replies.json(ctx, 202, order))
        .onFailure(ctx::fail);
  }

  private void mode(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    UUID id = RequestBody.pathId(ctx, "id");
    RequestBody body = RequestBody.of(ctx);
    String status = body.string("status");
    if (!status.equals("active") && !status.equals("halted")) {
      throw KeywayException.badField("status", "must be active or halted");
    }
    String reason = body.optString("reason").map(TradingRoutes::reason).orElse(null);
    visible(ctx, id).compose(a -> engines.send(a.id(), new JsonObject().put("op", "mode").put("status", status)
            .put("reason", reason).put("by", AuditTrail.actor(p))))
        .onSuccess(account -> Replies.json(ctx, 200, account))
        .onFailure(ctx::fail);
  }

  private void kill(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    UUID id = RequestBody.pathId(ctx, "id");
    String reason = reason(RequestBody.of(ctx).string("reason"));
    visible(ctx, id).compose(a -> engines.send(a.id(), new JsonObject().put("op", "kill").put("reason", reason)
            .put("by", AuditTrail.actor(p))))
        .onSuccess(account -> Replies.json(ctx, 200, account))
        .onFailure(ctx::fail);
  }

  private void snapshot(RoutingContext ctx, boolean positions) {
    visible(ctx, RequestBody.pathId(ctx, "id"))
        .compose(a -> engines.send(a.id(), new JsonObject().put("op", "snapshot").put("by", "reader")))
        .onSuccess(s -> {
          if (positions) {
            Replies.json(ctx, 200, s.getJsonArray("positions"));
          } else {
            s.remove("positions");
            Replies.json(ctx, 200, s);
          }
        })
        .onFailure(ctx::fail);
  }

  private void listOrders(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    QueryParams q = new QueryParams(ctx);
    String status = q.string("status");
    if (status != null && !STATUSES.contains(status)) {
      throw KeywayException.badField("status", "must be one of " + String.join(", ", STATUSES));
    }
    int limit = q.integer("limit", 1, 500, 100);
    UUID after = cursor(q.string("cursor"));
    var from = q.instant("from");
    var to = q.instant("to");
    visible(ctx, RequestBody.pathId(ctx, "id"))
        .compose(a -> (after == null ? Future.<Order>succeededFuture(null) : orders.get(p.tenantId(), after)
                .recover(e -> Future.failedFuture(KeywayException.badField("cursor", "is not a cursor this API issued"))))
            .compose(last -> orders.list(p.tenantId(), a.id(), status, from, to, last, limit + 1)))
        .onSuccess(list -> {
          boolean more = list.size() > limit;
          List<Order> page = more ? list.subList(0, limit) : list;
          Replies.json(ctx, 200, new JsonObject()
              .put("items", new JsonArray(page.stream().map(Order::toJson).toList()))
              .put("nextCursor", more ? encode(page.get(page.size() - 1).id()) : null));
        })
        .onFailure(ctx::fail);
  }

  private void equity(RoutingContext ctx) {
    int points = new QueryParams(ctx).integer("points", 1, 10_000, 365);
    Principal p = AuthGuard.principal(ctx);
    visible(ctx, RequestBody.pathId(ctx, "id"))
        .compose(a -> orders.equityHistory(p.tenantId(), a.id(), points))
        .onSuccess(list -> Replies.json(ctx, 200, new JsonArray(list)))
        .onFailure(ctx::fail);
  }

  private void listApprovals(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    String status = new QueryParams(ctx).string("status");
    if (status != null && !Set.of("pending", "approved", "rejected", "expired").contains(status)) {
      throw KeywayException.badField("status", "must be pending, approved, rejected or expired");
    }
    approvals.list(p.tenantId(), status, p.isAdmin() ? null : p.userId())
        .compose(list -> Future.all(list.stream().map(ap -> orders.get(p.tenantId(), ap.orderId())
                .map(o -> ap.toJson(o.toJson()))).toList())
            .map(all -> new JsonArray(all.<JsonObject>list())))
        .onSuccess(arr -> Replies.json(ctx, 200, arr))
        .onFailure(ctx::fail);
  }

  private void decide(RoutingContext ctx, boolean approve) {
    Principal p = AuthGuard.principal(ctx);
    UUID id = RequestBody.pathId(ctx, "id");
    String reason = approve ? RequestBody.of(ctx).optString("reason").map(TradingRoutes::reason).orElse(null)
        : reason(RequestBody.of(ctx).string("reason"));
    approvals.get(p.tenantId(), id)
        .compose(ap -> visible(ctx, ap.accountId()).map(a -> ap)
            .recover(e -> Future.failedFuture(KeywayException.notFound("approval"))))
        .compose(ap -> engines.send(ap.accountId(), new JsonObject().put("op", approve ? "approve" : "reject")
            .put("approvalId", id.toString()).put("reason", reason).put("by", AuditTrail.actor(p))))
        .onSuccess(order -> Replies.json(ctx, 200, order))
        .onFailure(ctx::fail);
  }

  private static String reason(String raw) {
    String s = raw.strip();
    if (s.isEmpty() || s.length() > 500) {
      throw KeywayException.badField("reason", "must be 1-500 characters");
    }
    return s;
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

package io.keyway.gateway.http;

import io.keyway.gateway.identity.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Trading on an account: orders, mode, kill switch, balance, positions, history, equity, and the
 * approvals queue. An account answers only to its owner and the tenant's admins: for anyone else
 * it does not exist (404). Viewers read; operators and admins act.
 */
final class TradingRoutes {
  private final TradingActions trading;

  TradingRoutes(TradingActions trading) {
    this.trading = trading;
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

  private void placeOrder(RoutingContext ctx) {
    trading.placeOrder(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), RequestBody.of(ctx).json(),
            ctx.request().getHeader("Idempotency-Key"))
        .onSuccess(order -> Replies.json(ctx, 202, order))
        .onFailure(ctx::fail);
  }

  private void mode(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    trading.setMode(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), body.string("status"),
            body.optString("reason").orElse(null))
        .onSuccess(account -> Replies.json(ctx, 200, account))
        .onFailure(ctx::fail);
  }

  private void kill(RoutingContext ctx) {
    trading.kill(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), RequestBody.of(ctx).string("reason"))
        .onSuccess(account -> Replies.json(ctx, 200, account))
        .onFailure(ctx::fail);
  }

  private void snapshot(RoutingContext ctx, boolean positions) {
    trading.snapshot(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"))
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
    QueryParams q = new QueryParams(ctx);
    trading.listOrders(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), q.string("status"), q.instant("from"),
            q.instant("to"), q.string("cursor"), q.integer("limit", 1, 500, 100))
        .onSuccess(page -> Replies.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  private void equity(RoutingContext ctx) {
    int points = new QueryParams(ctx).integer("points", 1, 10_000, 365);
    trading.equity(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), points)
        .onSuccess(list -> Replies.json(ctx, 200, list))
        .onFailure(ctx::fail);
  }

  private void listApprovals(RoutingContext ctx) {
    trading.listApprovals(AuthGuard.principal(ctx), new QueryParams(ctx).string("status"))
        .onSuccess(arr -> Replies.json(ctx, 200, arr))
        .onFailure(ctx::fail);
  }

  private void decide(RoutingContext ctx, boolean approve) {
    RequestBody body = RequestBody.of(ctx);
    String reason = approve ? body.optString("reason").orElse(null) : body.string("reason");
    trading.decide(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), approve, reason)
        .onSuccess(order -> Replies.json(ctx, 200, order))
        .onFailure(ctx::fail);
  }
}

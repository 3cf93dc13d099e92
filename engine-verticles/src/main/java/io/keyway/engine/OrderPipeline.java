package io.keyway.engine;

import io.keyway.engine.account.Account;
import io.keyway.engine.order.Order;
import io.keyway.engine.risk.RiskCheck;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.engine.placement.Fence;
import io.keyway.engine.venue.RateBudget;
import io.keyway.engine.venue.Venue;
import io.keyway.engine.venue.VenueCredential;
import io.keyway.engine.venue.VenueException;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account's way from intent to venue: risk checks, then the approval gate, then the rate
 * budget, then the venue, with the client order id fixed at the start so every retry is the same
 * order. An order that cannot go yet stays {@code pending} and goes at a later tick, in order;
 * nothing is dropped. Fills are booked in the store and on the ledger exactly once.
 */
final class OrderPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPipeline.class);

  private final EngineContext ctx;
  private final RateBudget budget;
  private final Consumer<Order> published;
  private final Fence fence;

  OrderPipeline(EngineContext ctx, RateBudget budget, Consumer<Order> published, Fence fence) {
    this.ctx = ctx;
    this.budget = budget;
    this.published = published;
    this.fence = fence;
  }

  /** A request to place an order, from a person, an agent or the account's strategy. */
  record Placement(OrderIntent intent, String clientOrderId, String idempotencyKey, boolean confirmLive, String source,
      String requestedBy) {}

  Future<Order> place(Account a, Placement p, BigDecimal price, BigDecimal cash, VenueCredential cred, Venue venue) {
    if (!"active".equals(a.status())) {
      return refuse("the account is " + a.status() + "; nothing is placed");
    }
    if (a.live() && !p.confirmLive()) {
      return refuse("this is a live account: set confirmLive to true to place a real order");
    }
    BigDecimal notional = p.intent().notional(price).setScale(2, RoundingMode.HALF_EVEN);
    if (p.intent().side() == OrderIntent.Side.BUY && notional.compareTo(cash) > 0) {
      return refuse("insufficient funds: the order needs " + notional.toPlainString() + " USD, the account holds "
          + cash.setScale(2, RoundingMode.HALF_EVEN).toPlainString());
    }
    return ctx.orders().tradedSince(a.tenantId(), a.id(), LocalDate.now(ctx.clock()).atStartOfDay().toInstant(ZoneOffset.UTC))
        .compose(today -> ctx.accounts().firstLiveOrderDone(a.tenantId(), a.id()).map(done -> RiskCheck.evaluate(a.risk(),
            false, a.live(), !done, notional, today)))
        .compose(verdict -> switch (verdict.outcome()) {
          case REFUSED -> refuse(verdict.reason());
          case NEEDS_APPROVAL -> ctx.orders().insert(a.tenantId(), a.id(), p.clientOrderId(), p.intent(), "awaiting_approval",
                  notional, p.source(), p.requestedBy(), p.idempotencyKey())
              .compose(o -> ctx.approvals().request(a.tenantId(), a.id(), o.id(), verdict.reason(),
                      ctx.clock().instant().plus(ctx.approvalTtl()))
                  .compose(id -> ctx.ledger().event(a, "approval.requested", p.requestedBy(), new io.vertx.core.json.JsonObject()
                      .put("approvalId", id.toString()).put("order", o.toJson()).put("reason", verdict.reason())))
                  .map(o))
              .onSuccess(published::accept);
          case GO -> ctx.orders().insert(a.tenantId(), a.id(), p.clientOrderId(), p.intent(), "pending", notional, p.source(),
                  p.requestedBy(), p.idempotencyKey())
              .compose(o -> ctx.ledger().order(a, "order.submitted", p.requestedBy(), o, p.intent().reason()).map(o))
              .onSuccess(published::accept)
              .compose(o -> (a.live() ? ctx.accounts().markFirstLiveOrderDone(a.tenantId(), a.id()) : Future.<Void>succeededFuture())
                  .compose(x -> submit(a, o, cred, venue)));
        });
  }

  /** Sends a pending order to the venue if the budget allows; otherwise it stays pending for a later tick. */
  Future<Order> submit(Account a, Order o, VenueCredential cred, Venue venue) {
    if (budget.tryTake().isPresent()) {
      return Future.succeededFuture(o);
    }
    // the fence comes right before the venue: a node that lost the account sends nothing
    return fence.check().transform(fenced -> {
      if (fenced.failed()) {
        LOG.warn("Order {} of account {} not sent: {}", o.clientOrderId(), a.id(), fenced.cause().getMessage());
        return Future.succeededFuture(o); // stays pending; the account's new holder sends it, same client order id
      }
      return venue.submit(cred, o.clientOrderId(), o.intent())
          .compose(state -> apply(a, o, state))
          .recover(e -> venueFailed(a, o, e));
    });
  }

  /** Brings an order the venue already has up to date (fills, cancellations). */
  Future<Order> sync(Account a, Order o, VenueCredential cred, Venue venue) {
    if ("pending".equals(o.status())) {
      return submit(a, o, cred, venue);
    }
    if (budget.tryTake().isPresent()) {
      return Future.succeededFuture(o);
    }
    return venue.order(cred, o.clientOrderId()).compose(state -> apply(a, o, state)).recover(e -> venueFailed(a, o, e));
  }

  private Future<Order> apply(Account a, Order o, Venue.OrderState state) {
    BigDecimal delta = state.filledQty().subtract(o.filledQty());
    Future<Order> filled = Future.succeededFuture(o);
    if (delta.signum() > 0 && state.avgFillPrice() != null) {
      BigDecimal before = o.avgFillPrice() == null ? BigDecimal.ZERO : o.avgFillPrice().multiply(o.filledQty());
      BigDecimal price = state.avgFillPrice().multiply(state.filledQty()).subtract(before).divide(delta, 8, RoundingMode.HALF_EVEN);
      filled = ctx.orders().fill(a.tenantId(), o, delta, price)
          .compose(after -> ctx.ledger().fill(a, o, after, delta, price).map(after).recover(e -> {
            // the venue filled it: the order and position say so; the ledger could not book it
            LOG.error("ALERT fill of order {} on account {} could not be booked on the ledger: {}", o.clientOrderId(),
                a.id(), e.getMessage());
            return Future.succeededFuture(after);
          }));
    }
    return filled.compose(after -> {
      String status = after.filledQty().compareTo(after.qty()) >= 0 ? "filled" : state.status();
      if (status.equals(after.status())) {
        return Future.succeededFuture(after);
      }
      return ctx.orders().setStatus(a.tenantId(), after.id(), status, null);
    }).onSuccess(after -> {
      if (!after.status().equals(o.status()) || after.filledQty().compareTo(o.filledQty()) != 0) {
        published.accept(after);
      }
    });
  }

  private Future<Order> venueFailed(Account a, Order o, Throwable e) {
    if (e instanceof VenueException v && v.retryable()) {
      v.retryAfter().ifPresent(budget::backOff);
      LOG.info("Order {} of account {} waits: {}", o.clientOrderId(), a.id(), v.kind());
      return Future.succeededFuture(o); // stays as it is, and goes again at a later tick
    }
    String why = e instanceof VenueException v ? v.kind() + ": " + v.getMessage() : "venue failure";
    return ctx.orders().setStatus(a.tenantId(), o.id(), "rejected", why)
        .compose(r -> ctx.ledger().order(a, "order.rejected", "engine", r, why).map(r))
        .onSuccess(published::accept);
  }

  /** Approve (it goes on like any order) or reject (it never executes) an order awaiting approval. */
  Future<Order> decide(Account a, UUID approvalId, boolean approve, String by, String reason, VenueCredential cred,
      Venue venue) {
    return ctx.approvals().get(a.tenantId(), approvalId)
        .compose(ap -> ap.accountId().equals(a.id()) ? Future.succeededFuture(ap)
            : Future.failedFuture(KeywayException.notFound("approval")))
        .compose(ap -> ctx.approvals().decide(a.tenantId(), approvalId, approve, by, reason))
        .compose(orderId -> ctx.orders().get(a.tenantId(), orderId))
        .compose(o -> ctx.orders().setStatus(a.tenantId(), o.id(), approve ? "pending" : "rejected",
            approve ? null : "rejected by " + by))
        .compose(o -> ctx.ledger().event(a, approve ? "approval.approved" : "approval.rejected", by,
            new io.vertx.core.json.JsonObject().put("approvalId", approvalId.toString()).put("order", o.toJson())
                .put("reason", reason)).map(o))
        .onSuccess(published::accept)
        .compose(o -> approve
            ? ctx.accounts().markFirstLiveOrderDone(a.tenantId(), a.id()).compose(x -> "active".equals(a.status())
                ? submit(a, o, cred, venue) : Future.succeededFuture(o))
            : Future.succeededFuture(o));
  }

  /** Expires approvals past their time: their orders never execute. */
  Future<Void> expire(Account a) {
    return ctx.approvals().expireDue(a.tenantId(), a.id()).compose(ids -> {
      Future<Void> all = Future.succeededFuture();
      for (UUID id : ids) {
        all = all.compose(x -> ctx.orders().setStatus(a.tenantId(), id, "expired", "approval expired")
            .compose(o -> ctx.ledger().event(a, "approval.expired", "engine",
                new io.vertx.core.json.JsonObject().put("order", o.toJson())).map(o))
            .onSuccess(published::accept).mapEmpty());
      }
      return all;
    });
  }

  /** Cancels every open order: at the venue if it was sent, here either way. */
  Future<Void> cancelOpen(Account a, String by, VenueCredential cred, Venue venue) {
    return ctx.orders().open(a.tenantId(), a.id()).compose(open -> {
      Future<Void> all = Future.succeededFuture();
      for (Order o : open) {
        Future<Void> atVenue = "accepted".equals(o.status()) || "partially_filled".equals(o.status())
            ? (cred == null && venue == null ? Future.<Void>succeededFuture() : venue.cancel(cred, o.clientOrderId()).recover(e -> {
              LOG.warn("Venue cancel of order {} failed: {}", o.clientOrderId(), e.getMessage());
              return Future.succeededFuture();
            }))
            : Future.succeededFuture();
        Future<Void> withdrawn = "awaiting_approval".equals(o.status())
            ? ctx.approvals().withdraw(a.tenantId(), o.id(), by) : Future.succeededFuture();
        all = all.compose(x -> atVenue).compose(x -> withdrawn)
            .compose(x -> ctx.orders().setStatus(a.tenantId(), o.id(), "canceled", "canceled by " + by))
            .compose(c -> ctx.ledger().order(a, "order.canceled", by, c, "kill").map(c))
            .onSuccess(published::accept).mapEmpty();
      }
      return all;
    });
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(KeywayException.of(ErrorCode.UNPROCESSABLE, why));
  }
}

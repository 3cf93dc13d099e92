package io.keyway.engine;

import io.keyway.engine.account.Account;
import io.keyway.engine.order.Order;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.ledger.AppendRequest;
import io.keyway.ledger.LedgerAccounts;
import io.keyway.ledger.LedgerClient;
import io.keyway.ledger.Money;
import io.keyway.ledger.Posting;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/**
 * What the engine writes to the ledger: orders and their fate, fills as postings between the
 * account's allocation and the outside world, approvals and mode changes. Fills carry an
 * idempotency key per order and cumulative quantity, so a fill is never booked twice.
 */
public final class EngineLedger {
  /** The currency trading accounts are kept in. */
  public static final String CURRENCY = "USD";
  private final LedgerClient ledger;

  public EngineLedger(LedgerClient ledger) {
    this.ledger = ledger;
  }

  public Future<Void> order(Account a, String kind, String actor, Order o, String detail) {
    return write(a, kind, actor, new JsonObject().put("order", o.toJson()).put("detail", detail), List.of(), null);
  }

  /** Books a fill: a buy moves money from the allocation to the venue, a sell back. */
  public Future<Void> fill(Account a, Order before, Order after, BigDecimal qty, BigDecimal price) {
    BigDecimal amount = qty.multiply(price).setScale(8, java.math.RoundingMode.HALF_EVEN);
    String allocation = LedgerAccounts.allocation(a.ownerUserId(), a.id());
    boolean buy = before.side() == OrderIntent.Side.BUY;
    List<Posting> postings = List.of(
        new Posting(allocation, CURRENCY, buy ? amount.negate() : amount),
        new Posting(LedgerAccounts.EXTERNAL, CURRENCY, buy ? amount : amount.negate()));
    JsonObject payload = new JsonObject().put("orderId", before.id().toString()).put("clientOrderId", before.clientOrderId())
        .put("symbol", before.symbol()).put("side", before.side().name().toLowerCase(java.util.Locale.ROOT))
        .put("qty", qty.stripTrailingZeros().toPlainString()).put("price", Money.format(price))
        .put("amount", Money.format(amount));
    return write(a, "order.fill", "engine", payload, postings,
        "fill:" + before.id() + ":" + after.filledQty().stripTrailingZeros().toPlainString());
  }

  public Future<Void> event(Account a, String kind, String actor, JsonObject payload) {
    return write(a, kind, actor, payload, List.of(), null);
  }

  private Future<Void> write(Account a, String kind, String actor, JsonObject payload, List<Posting> postings, String key) {
    return ledger.append(new AppendRequest(a.tenantId(), kind, actor, "account:" + a.id(), a.ownerUserId(), a.id(),
        payload, postings, key, key == null ? null : requestHash(payload, postings))).mapEmpty();
  }

  /** SHA-256 of the canonical payload and postings: a retry with the same content replays, another conflicts. */
  static String requestHash(JsonObject payload, List<Posting> postings) {
    String canonical = io.keyway.ledger.CanonicalJson.encode(new JsonObject().put("payload", payload)
        .put("postings", new io.vertx.core.json.JsonArray(postings.stream().map(Posting::toJson).toList())));
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * A movement of a person's money, as double-entry postings:
 * <ul>
 *   <li>deposit: outside world → the user's cash;</li>
 *   <li>withdrawal: the user's cash → outside world;</li>
 *   <li>allocate: the user's cash → their allocation to a trading account;</li>
 *   <li>deallocate: that allocation → the user's cash.</li>
 * </ul>
 */
public record CapitalFlow(Type type, UUID userId, UUID accountId, BigDecimal amount, String currency, String note) {

  /** The four kinds of flow; {@code wire()} is the API's spelling. */
  public enum Type {
    DEPOSIT, WITHDRAWAL, ALLOCATE, DEALLOCATE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean needsAccount() {
      return this == ALLOCATE || this == DEALLOCATE;
    }
  }

  public List<Posting> postings() {
    String cash = LedgerAccounts.cash(userId);
    return switch (type) {
      case DEPOSIT -> List.of(new Posting(LedgerAccounts.EXTERNAL, currency, amount.negate()), new Posting(cash, currency, amount));
      case WITHDRAWAL -> List.of(new Posting(cash, currency, amount.negate()), new Posting(LedgerAccounts.EXTERNAL, currency, amount));
      case ALLOCATE -> List.of(new Posting(cash, currency, amount.negate()),
          new Posting(LedgerAccounts.allocation(userId, accountId), currency, amount));
      case DEALLOCATE -> List.of(new Posting(LedgerAccounts.allocation(userId, accountId), currency, amount.negate()),
          new Posting(cash, currency, amount));
    };
  }

  /** The ledger entry recording this flow, on behalf of {@code actor}. */
  public AppendRequest toAppend(UUID tenantId, String actor, String idempotencyKey, String requestHash) {
    JsonObject payload = new JsonObject()
        .put("type", type.wire())
        .put("userId", userId.toString())
        .put("accountId", accountId == null ? null : accountId.toString())
        .put("amount", Money.format(amount))
        .put("currency", currency)
        .put("note", note);
    return new AppendRequest(tenantId, "capital." + type.wire(), actor, "user:" + userId, userId, accountId, payload,
        postings(), idempotencyKey, requestHash);
  }

  /** The balance a flow answers with: the user's cash after it (allocations answer the allocation too). */
  public static JsonObject balanceAfter(AppendResult result, CapitalFlow flow) {
    JsonObject out = new JsonObject().put("currency", flow.currency());
    var after = result.payload().getJsonArray("balancesAfter");
    for (int i = 0; i < after.size(); i++) {
      JsonObject b = after.getJsonObject(i);
      if (b.getString("account").equals(LedgerAccounts.cash(flow.userId()))) {
        out.put("cash", b.getString("amount"));
      } else if (flow.accountId() != null && b.getString("account").equals(LedgerAccounts.allocation(flow.userId(), flow.accountId()))) {
        out.put("allocated", b.getString("amount"));
      }
    }
    return out;
  }
}

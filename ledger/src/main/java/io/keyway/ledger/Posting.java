package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** One leg of a double-entry movement: the postings of an entry sum to zero per currency. */
public record Posting(String account, String currency, BigDecimal amount) {
  public JsonObject toJson() {
    return new JsonObject().put("account", account).put("currency", currency).put("amount", Money.format(amount));
  }

  public static Posting fromJson(JsonObject j) {
    return new Posting(j.getString("account"), j.getString("currency"), new BigDecimal(j.getString("amount")));
  }

  /** The balance row this posting moves. */
  public BalanceKey key() {
    return new BalanceKey(account, currency);
  }

  /** A balance row: one account in one currency. */
  public record BalanceKey(String account, String currency) {}
}

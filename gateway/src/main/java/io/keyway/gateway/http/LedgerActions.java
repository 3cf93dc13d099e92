package io.keyway.gateway.http;

import io.keyway.engine.EngineLedger;
import io.keyway.engine.account.Account;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Principal;
import io.keyway.ledger.LedgerQueries;
import io.keyway.ledger.Money;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Ledger reads with their rules, shared by the REST routes and the MCP tools: a person's balance
 * tree (their own, or anyone's in the tenant for admins; otherwise a 404) and the verification of
 * the tenant's chain against its newest signed checkpoint (the callers require an admin).
 */
public final class LedgerActions {
  /** The currency of a balance when none is asked for. */
  public static final String DEFAULT_CURRENCY = "USD";

  private final GatewayServices s;

  public LedgerActions(GatewayServices services) {
    this.s = services;
  }

  /** {@code GET /api/users/{id}/balance}: {@code {userId, currency, cash, accounts, total}}. */
  public Future<JsonObject> userBalance(Principal p, UUID userId, String rawCurrency) {
    if (!p.isAdmin() && !userId.equals(p.userId())) {
      return Future.failedFuture(KeywayException.notFound("user"));
    }
    String currency;
    try {
      currency = Money.currency("currency", rawCurrency == null ? DEFAULT_CURRENCY : rawCurrency);
    } catch (KeywayException e) {
      return Future.failedFuture(e);
    }
    return s.authenticator().user(p.tenantId(), userId)
        .compose(u -> s.ledgerQueries().userBalance(p.tenantId(), userId, currency))
        .compose(b -> accountsOf(p.tenantId(), b, currency));
  }

  /**
   * The user's tree: cash, and per trading account (those they own, and any still holding an
   * allocation of theirs) its name, the capital allocated to it, and its equity as its engine sees
   * it (cash plus positions at the venue's prices); total = cash + the sum of the equities. An
   * account owned by someone else now has no positions of this user's: its equity is what is left
   * in the allocation.
   */
  private Future<JsonObject> accountsOf(UUID tenantId, LedgerQueries.UserBalance b, String currency) {
    return s.accounts().list(tenantId, Optional.empty()).compose(all -> {
      Map<UUID, Account> byId = new HashMap<>();
      all.forEach(a -> byId.put(a.id(), a));
      List<UUID> ids = new ArrayList<>(b.allocations().keySet());
      all.stream().filter(a -> b.userId().equals(a.ownerUserId()) && !ids.contains(a.id())).forEach(a -> ids.add(a.id()));
      return s.ledgerQueries().allocatedCapital(tenantId, b.userId(), ids, currency).compose(allocated ->
          Future.all(ids.stream().map(id -> equity(byId.get(id), b, id, currency)).toList()).map(equities -> {
            JsonArray accounts = new JsonArray();
            BigDecimal total = b.cash();
            for (int i = 0; i < ids.size(); i++) {
              UUID id = ids.get(i);
              BigDecimal equity = equities.resultAt(i);
              total = total.add(equity);
              var account = byId.get(id);
              accounts.add(new JsonObject()
                  .put("accountId", id.toString())
                  .put("name", account == null ? null : account.name())
                  .put("allocated", Money.format(allocated.get(id)))
                  .put("equity", Money.format(equity)));
            }
            return new JsonObject()
                .put("userId", b.userId().toString())
                .put("currency", currency)
                .put("cash", Money.format(b.cash()))
                .put("accounts", accounts)
                .put("total", Money.format(total));
          }));
    });
  }

  /** An owned account's equity from its engine (in USD, the engines' currency); otherwise its allocation's balance. */
  private Future<BigDecimal> equity(Account a,
      LedgerQueries.UserBalance b, UUID id, String currency) {
    BigDecimal left = b.allocations().getOrDefault(id, BigDecimal.ZERO);
    if (a == null || !b.userId().equals(a.ownerUserId()) || !EngineLedger.CURRENCY.equals(currency)) {
      return Future.succeededFuture(left);
    }
    return s.engines().send(id, new JsonObject().put("op", "snapshot").put("by", "reader"))
        .map(snap -> new BigDecimal(snap.getString("equity")));
  }

  /** {@code GET /api/ledger/verify} of the caller's tenant. */
  public Future<JsonObject> verify(Vertx vertx, Principal p) {
    UUID tenant = p.tenantId();
    return s.checkpoints().newest(tenant)
        .compose(cp -> vertx.executeBlocking(() -> s.ledgerVerifier().verify(tenant, cp), false))
        .map(report -> report.toJson());
  }
}

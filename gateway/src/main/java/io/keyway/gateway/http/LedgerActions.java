package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Principal;
import io.keyway.ledger.Money;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        .map(b -> {
          JsonArray accounts = new JsonArray();
          b.allocations().forEach((accountId, allocated) -> accounts.add(new JsonObject()
              .put("accountId", accountId.toString())
              .put("name", null)
              .put("allocated", Money.format(allocated))
              .put("equity", Money.format(allocated))));
          return new JsonObject()
              .put("userId", userId.toString())
              .put("currency", currency)
              .put("cash", Money.format(b.cash()))
              .put("accounts", accounts)
              .put("total", Money.format(b.total()));
        });
  }

  /** {@code GET /api/ledger/verify} of the caller's tenant. */
  public Future<JsonObject> verify(Vertx vertx, Principal p) {
    UUID tenant = p.tenantId();
    return s.checkpoints().newest(tenant)
        .compose(cp -> vertx.executeBlocking(() -> s.ledgerVerifier().verify(tenant, cp), false))
        .map(report -> report.toJson());
  }
}

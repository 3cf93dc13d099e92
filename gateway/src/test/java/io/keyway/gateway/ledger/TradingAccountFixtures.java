package io.keyway.gateway.ledger;

import io.vertx.core.json.JsonObject;

/** Request bodies for trading accounts, shared by tests. */
public final class TradingAccountFixtures {
  private TradingAccountFixtures() {}

  /** A paper account on the simulated venue with a threshold strategy and modest limits. */
  public static JsonObject simAccount(String name, String ownerId) {
    return new JsonObject()
        .put("name", name)
        .put("venue", "sim")
        .put("kind", "paper")
        .put("ownerUserId", ownerId)
        .put("strategy", new JsonObject().put("type", "threshold").put("params", new JsonObject()
            .put("symbol", "AAPL").put("buyBelow", "95").put("sellAbove", "105").put("qty", "1")))
        .put("risk", new JsonObject().put("maxOrderUsd", "1000").put("dailyCapUsd", "5000").put("allowLive", false)
            .put("approvalOverUsd", "500"));
  }
}

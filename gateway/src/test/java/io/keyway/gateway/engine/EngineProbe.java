package io.keyway.gateway.engine;

import io.keyway.engine.EngineAddresses;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** What tests may ask an account's engine directly, over the node's event bus. */
final class EngineProbe {
  private EngineProbe() {}

  /** How many ticks the account's engine has completed (its {@code status} command). */
  static long ticks(TestGateway gateway, String accountId) {
    try {
      return gateway.node().vertx().eventBus()
          .<JsonObject>request(EngineAddresses.command(UUID.fromString(accountId)), new JsonObject().put("op", "status"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body().getLong("ticks");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

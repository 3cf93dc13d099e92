package io.keyway.engine;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** How the gateway talks to an account's engine, wherever in the cluster it runs. */
public final class EngineClient {
  private static final DeliveryOptions SEND = new DeliveryOptions().setSendTimeout(20_000);
  private final Vertx vertx;

  public EngineClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<JsonObject> send(UUID accountId, JsonObject command) {
    return vertx.eventBus().<JsonObject>request(EngineAddresses.command(accountId), command, SEND)
        .map(m -> m.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? KeywayException.of(ErrorCode.fromReplyCode(r.failureCode()), r.getMessage())
            : KeywayException.of(ErrorCode.UNAVAILABLE, "the account's engine did not answer; try again")));
  }

  /** Announces a created or changed account, so its engine runs. */
  public void accountChanged(UUID tenantId, UUID accountId) {
    vertx.eventBus().publish(EngineAddresses.ACCOUNT_CHANGED,
        new JsonObject().put("tenantId", tenantId.toString()).put("accountId", accountId.toString()));
  }
}

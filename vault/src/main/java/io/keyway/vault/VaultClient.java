package io.keyway.vault;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** How an engine on this node asks the vault for its owner's credential. */
public final class VaultClient {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true);
  private final Vertx vertx;

  public VaultClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<ResolvedCredential> resolve(UUID tenantId, UUID userId, String provider, String label) {
    JsonObject ask = new JsonObject().put("tenantId", tenantId.toString()).put("userId", userId.toString())
        .put("provider", provider).put("label", label);
    return vertx.eventBus().<ResolvedCredential>request(VaultAddresses.RESOLVE, ask, LOCAL)
        .map(m -> m.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? KeywayException.of(ErrorCode.fromReplyCode(r.failureCode()), r.getMessage())
            : KeywayException.of(ErrorCode.UNAVAILABLE, "the vault did not answer")));
  }
}

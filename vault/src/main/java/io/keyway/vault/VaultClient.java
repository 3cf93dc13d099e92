package io.keyway.vault;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.UUID;

/**
 * How an engine on this node asks the vault for its owner's credential: from an event loop with a
 * vault of its own, that one; from anywhere else, any vault of the node.
 */
public final class VaultClient {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true)
      .setCodecName(VaultVerticle.REQUEST_CODEC);
  private final Vertx vertx;

  public VaultClient(Vertx vertx) {
    this.vertx = vertx;
    VaultVerticle.registerCodec(vertx);
  }

  /** The credential's plaintext, read and decrypted by this node's vault; it travels by reference, never as JSON. */
  public Future<ResolvedCredential> resolve(UUID tenantId, UUID userId, String provider, String label) {
    CredentialIdentity ask = new CredentialIdentity(tenantId, userId, provider, label);
    // to the vault on the caller's own event loop when it has one: request and reply then stay on this thread
    String address = LoopVaults.addressFor(EventLoops.current());
    return vertx.eventBus().<ResolvedCredential>request(address, ask, LOCAL)
        .map(m -> m.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? KeywayException.of(ErrorCode.fromReplyCode(r.failureCode()), r.getMessage())
            : KeywayException.of(ErrorCode.UNAVAILABLE, "the vault did not answer")));
  }
}

package io.keyway.ledger;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** How other modules append to the ledger: over the event bus, answered once the entry is durable. */
public final class LedgerClient {
  private static final DeliveryOptions SEND =
      LedgerCodecs.options(LedgerCodecs.PREPARED_APPEND).setSendTimeout(15_000);
  private final Vertx vertx;

  public LedgerClient(Vertx vertx) {
    this.vertx = vertx;
    LedgerCodecs.register(vertx);
  }

  public Future<AppendResult> append(AppendRequest request) {
    if (request.tenantId() == null) {
      return Future.failedFuture(KeywayException.of(ErrorCode.BAD_REQUEST, "a ledger entry needs a tenant"));
    }
    PreparedAppend prepared;
    try {
      // checked, copied and spelled here, on the caller's event loop, not on the ledger's
      prepared = PreparedAppend.of(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(KeywayException.of(ErrorCode.BAD_REQUEST, "malformed ledger append"));
    }
    return vertx.eventBus().<Object>request(LedgerAddresses.append(request.tenantId()), prepared, SEND)
        .map(m -> m.body() instanceof AppendResult r ? ownCopy(r) : AppendResult.fromJson((JsonObject) m.body()))
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /** The answer with a payload of the caller's own: the ledger may answer a replay with the same object. */
  private static AppendResult ownCopy(AppendResult r) {
    return r.payload() == null ? r
        : new AppendResult(r.entryId(), r.seq(), r.hash(), r.createdAt(), r.payload().copy(), r.replayed());
  }

  private static KeywayException translate(Throwable e) {
    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return KeywayException.of(ErrorCode.fromReplyCode(r.failureCode()), r.getMessage());
    }
    return KeywayException.of(ErrorCode.UNAVAILABLE, "the ledger did not answer in time; check the ledger before retrying without an idempotency key");
  }
}

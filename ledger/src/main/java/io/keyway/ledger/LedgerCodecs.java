package io.keyway.ledger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Event-bus codecs for appends and their answers: inside one node they travel by reference instead
 * of being written to JSON, deep-copied and parsed again on every send and reply; on the wire they
 * are their JSON form. A payload is copied on the caller's side only ({@link PreparedAppend} on the
 * way in, {@link LedgerClient} on the way back), never on the ledger's loop.
 */
final class LedgerCodecs {
  static final String APPEND_REQUEST = "keyway-ledger-AppendRequest";
  static final String APPEND_RESULT = "keyway-ledger-AppendResult";
  static final String PREPARED_APPEND = "keyway-ledger-PreparedAppend";

  private LedgerCodecs() {}

  /** Registers both codecs once per Vert.x instance (idempotent). */
  static void register(Vertx vertx) {
    register(vertx, new RecordCodec<>(APPEND_REQUEST, AppendRequest::toJson, AppendRequest::fromJson,
        r -> new AppendRequest(r.tenantId(), r.kind(), r.actor(), r.subject(), r.userId(), r.accountId(),
            r.payload().copy(), r.postings(), r.idempotencyKey(), r.requestHash())));
    // prepared on the caller's side with a payload copy of its own: nothing left to copy
    register(vertx, new RecordCodec<PreparedAppend>(PREPARED_APPEND, p -> p.request.toJson(),
        j -> PreparedAppend.of(AppendRequest.fromJson(j)), p -> p));
    // Vert.x 5 runs a codec's transform on the sending thread: copying the answer's payload there put
    // that copy on the ledger's loop. The answer goes by reference instead (the ledger never changes a
    // payload once answered) and LedgerClient copies it on the caller's loop.
    register(vertx, new RecordCodec<AppendResult>(APPEND_RESULT, AppendResult::toJson, AppendResult::fromJson, r -> r));
  }

  static DeliveryOptions options(String codec) {
    return new DeliveryOptions().setCodecName(codec);
  }

  private static void register(Vertx vertx, MessageCodec<?, ?> codec) {
    try {
      vertx.eventBus().registerCodec(codec);
    } catch (IllegalStateException alreadyRegistered) {
      // another ledger client or verticle on this Vert.x registered it first
    }
  }

  private record RecordCodec<T>(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson,
      UnaryOperator<T> localCopy) implements MessageCodec<T, T> {

    @Override
    public void encodeToWire(Buffer buffer, T value) {
      Buffer json = toJson.apply(value).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public T transform(T value) {
      return localCopy.apply(value);
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}

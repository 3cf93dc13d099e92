package io.keyway.engine;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Publishes the events of {@link StreamAddresses} so that the node's consumers (one per HTTP verticle
 * instance and tenant) share one body: Vert.x's JSON codec copies a {@link JsonObject} for every local
 * consumer, here each gets a read-only view of the same map instead. A publisher hands the event over and
 * never touches it again. Between nodes the body travels as JSON, like any {@code JsonObject}.
 */
public final class StreamEvents {
  /** The codec's name; every node that publishes or consumes stream events registers it (see {@link #register}). */
  public static final String CODEC = "keyway.stream-event";
  private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(CODEC);
  private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private StreamEvents() {}

  /**
   * Publishes {@code event} on {@code address}, shared read-only by the local consumers; {@link #register} must
   * have run on this {@code vertx} first (a publisher registers once when it starts, not per event).
   */
  public static void publish(Vertx vertx, String address, JsonObject event) {
    vertx.eventBus().publish(address, event, SHARED);
  }

  /**
   * Registers the codec on {@code vertx} once: a publisher needs it before its first event, a node that only
   * consumes needs it to read another node's events.
   */
  public static void register(Vertx vertx) {
    if (REGISTERED.add(vertx)) {
      try {
        vertx.eventBus().registerCodec(codec());
      } catch (IllegalStateException registeredThroughAnotherHandle) {
        // the same event bus, reached through another Vertx object: the codec is there
      }
    }
  }

  /** The codec itself (tests: its wire form). */
  static MessageCodec<JsonObject, JsonObject> codec() {
    return new SharedJson();
  }

  /** JSON on the wire; locally, a read-only view of the published map instead of a deep copy. */
  private static final class SharedJson implements MessageCodec<JsonObject, JsonObject> {
    @Override
    public void encodeToWire(Buffer buffer, JsonObject event) {
      Buffer json = event.toBuffer();
      buffer.appendInt(json.length());
      buffer.appendBuffer(json);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject event) {
      return new JsonObject(Collections.unmodifiableMap(event.getMap()));
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}

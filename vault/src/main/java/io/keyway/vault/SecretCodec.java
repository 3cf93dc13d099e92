package io.keyway.vault;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus codec of node-local types: delivered by reference inside one node (so the type must
 * be immutable or handed over), and refused on the wire. Types that hold plaintext use it so a
 * plaintext key can never travel to another cluster member by mistake; the vault's resolve request
 * uses it because its address only ever has a local consumer.
 */
public final class SecretCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final String what;

  /** For a type holding plaintext secrets. */
  public SecretCodec(Class<T> type) {
    this(type, "plaintext secrets");
  }

  /** For a node-local type; {@code what} names it in the refusal ("plaintext secrets", "vault resolves"). */
  public SecretCodec(Class<T> type, String what) {
    this.name = nameFor(type);
    this.what = what;
  }

  /** The name this codec registers under for {@code type}, to send with ({@link io.vertx.core.eventbus.DeliveryOptions#setCodecName}). */
  public static String nameFor(Class<?> type) {
    return "keyway-no-wire-" + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(what + " never leave this node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(what + " never arrive from another node");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}

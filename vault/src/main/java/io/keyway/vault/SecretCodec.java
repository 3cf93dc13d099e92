package io.keyway.vault;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus codec of types that hold plaintext: delivered by reference inside one node, and
 * refused on the wire, so a plaintext key can never travel to another cluster member by mistake.
 */
public final class SecretCodec<T> implements MessageCodec<T, T> {
  private final String name;

  public SecretCodec(Class<T> type) {
    this.name = "keyway-no-wire-" + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException("plaintext secrets never leave this node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("plaintext secrets never arrive from another node");
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

package io.keyway.gateway.ws;

import java.util.Optional;

/** What a socket may subscribe to: one account's balances or orders, or (admins) the whole tenant. */
public enum Stream {
  BALANCE("balance"),
  ORDERS("orders"),
  TENANT("tenant");

  private final String wire;

  Stream(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Stream> parse(String wire) {
    for (Stream s : values()) {
      if (s.wire.equals(wire)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The per-account stream that carries pushes of this event type ({@code balance}, {@code order}), or null for any
   * other type (asked for every event a hub hears, so it answers without allocating).
   */
  public static Stream carrying(String eventType) {
    if ("balance".equals(eventType)) {
      return BALANCE;
    }
    return "order".equals(eventType) ? ORDERS : null;
  }
}

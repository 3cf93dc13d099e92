package io.keyway.gateway.ws;

import java.time.Duration;

/**
 * The heartbeat clock of one hub: how often it looks at its sockets, and at which phase of the period
 * each socket is pinged. A socket is pinged once a period at its own phase, handed out in turn from a
 * low-discrepancy sequence, and the hub looks every 1/{@value #LOOKS_PER_PERIOD} of the period, so
 * sockets that connected together (a node starting, a fleet of clients reconnecting) are pinged spread
 * over the period, about n/{@value #LOOKS_PER_PERIOD} at a look, instead of all of them at one look:
 * 5,000 pings in one go held the event loop, and every push waiting behind it, for tens of ms. Plain
 * Java, used from one event loop.
 */
final class Heartbeat {
  static final int LOOKS_PER_PERIOD = 80;
  /** The fractional part of the golden ratio: successive multiples of it mod 1 spread evenly over [0, 1). */
  private static final double GOLDEN = 0.6180339887498949;
  private final long periodNanos;
  private final long idleNanos;
  private final long lookEveryMillis;
  private double phase;

  Heartbeat(Duration period, Duration idleTimeout) {
    this.periodNanos = period.toNanos();
    this.idleNanos = idleTimeout.toNanos();
    this.lookEveryMillis = Math.max(50, Math.min(period.toMillis(), idleTimeout.toMillis()) / LOOKS_PER_PERIOD);
  }

  /** How often the hub looks at its sockets. */
  long lookEveryMillis() {
    return lookEveryMillis;
  }

  /**
   * The time a new socket counts as last pinged, so that its first ping comes at its own phase within one
   * period of {@code nowNanos}, never later.
   */
  long lastPingOfNew(long nowNanos) {
    phase = (phase + GOLDEN) % 1.0;
    return nowNanos - (long) (phase * periodNanos);
  }

  boolean pingDue(long lastPingNanos, long nowNanos) {
    return nowNanos - lastPingNanos >= periodNanos;
  }

  /** Nothing arrived from the socket, not even a pong, for the idle timeout. */
  boolean silent(long lastInboundNanos, long nowNanos) {
    return nowNanos - lastInboundNanos > idleNanos;
  }
}

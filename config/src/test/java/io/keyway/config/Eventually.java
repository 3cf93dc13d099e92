package io.keyway.config;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A condition polled until it holds or a deadline passes, for effects nothing announces (tests of every module). */
public final class Eventually {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private Eventually() {}

  /** Waits up to {@code millis} for {@code condition}; fails the test, naming {@code what}, if it never held. */
  public static void holds(long millis, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + millis + " ms");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}

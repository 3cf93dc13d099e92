package io.keyway.gateway.ws;

/**
 * Counts a socket's malformed frames over a sliding window: each one is answered and forgiven, but
 * more than {@code limit} within the window means a broken or hostile client, and the socket closes
 * (1008). Keeps the arrival times of the last {@code limit + 1} malformed frames in a ring.
 */
public final class MalformedFrames {
  private final long[] times;
  private final long windowNanos;
  private int next;
  private long seen;

  public MalformedFrames(int limit, java.time.Duration window) {
    this.times = new long[limit + 1];
    this.windowNanos = window.toNanos();
  }

  /** Records one malformed frame at {@code nowNanos}; true when the limit is now exceeded. */
  public boolean recordAndExceeded(long nowNanos) {
    times[next] = nowNanos;
    next = (next + 1) % times.length;
    seen++;
    // after the write, times[next] is the oldest of the last limit + 1 frames
    return seen >= times.length && nowNanos - times[next] < windowNanos;
  }
}

package io.keyway.gateway.ws;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What one socket still has to send, once the transport's own write queue is full. Two kinds of
 * frame wait here, in arrival order:
 * <ul>
 *   <li><b>latest-wins</b> frames (balances), keyed by stream and account: a newer frame for a key
 *       still waiting replaces the waiting one in place, so a slow reader skips intermediate states
 *       (its seq jumps) and always ends on the newest. They need no bound beyond the number of
 *       accounts the socket may see, one slot each.</li>
 *   <li><b>in-order</b> frames (order events, answers to the client): never skipped, at most
 *       {@code capacity} waiting; one more is {@link Offer#OVERFLOW}, and the socket is too slow.</li>
 * </ul>
 * Plain Java, used from the socket's event loop only.
 */
public final class Outbox {
  /** What became of an offered frame. */
  public enum Offer { QUEUED, CONFLATED, OVERFLOW }

  private static final class Slot {
    final String key;
    String frame;

    Slot(String key, String frame) {
      this.key = key;
      this.frame = frame;
    }
  }

  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private final Map<String, Slot> waitingByKey = new HashMap<>();
  private final int capacity;
  private int inOrder;

  public Outbox(int capacity) {
    this.capacity = capacity;
  }

  /** Queues a frame that a newer one with the same key makes obsolete. */
  public Offer offerLatest(String key, String frame) {
    Slot waiting = waitingByKey.get(key);
    if (waiting != null) {
      waiting.frame = frame;
      return Offer.CONFLATED;
    }
    Slot slot = new Slot(key, frame);
    waitingByKey.put(key, slot);
    queue.addLast(slot);
    return Offer.QUEUED;
  }

  /** Queues a frame that must reach the client, in order; refuses it beyond the capacity. */
  public Offer offerInOrder(String frame) {
    if (inOrder >= capacity) {
      return Offer.OVERFLOW;
    }
    inOrder++;
    queue.addLast(new Slot(null, frame));
    return Offer.QUEUED;
  }

  /** The next frame to write, or null when nothing waits. */
  public String poll() {
    Slot slot = queue.pollFirst();
    if (slot == null) {
      return null;
    }
    if (slot.key == null) {
      inOrder--;
    } else {
      waitingByKey.remove(slot.key);
    }
    return slot.frame;
  }

  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Forgets everything waiting (the socket is closing); answers how many frames were dropped. */
  public int clear() {
    int n = queue.size();
    queue.clear();
    waitingByKey.clear();
    inOrder = 0;
    return n;
  }
}

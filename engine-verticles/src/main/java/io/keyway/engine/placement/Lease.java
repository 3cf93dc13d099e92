package io.keyway.engine.placement;

import java.util.UUID;

/**
 * This node's hold on one account: the fencing {@code epoch} every order carries, and the local
 * monotonic deadline ({@link System#nanoTime}) after which this node must act as if it had lost
 * it. The deadline is measured from before the request that won or renewed the lease was sent,
 * minus a margin, so it always falls before the database lets another node take over.
 */
public record Lease(UUID accountId, long epoch, long deadlineNanos) {
  public boolean liveAt(long nowNanos) {
    return nowNanos - deadlineNanos < 0;
  }
}

package io.keyway.ledger;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The balances of one chain as its writer's last committed batch left them, with the head that batch
 * left. Every balance is written under its chain's head lock, by the batch that moves the head, so
 * while the head is still there these are the stored amounts and need not be read again: a batch
 * takes them from here and looks up only the balances it has not seen. A head elsewhere (another
 * writer, on this node or another, wrote to the chain) or a failed batch makes them worthless, and
 * they are dropped. Touched only on the writer's event loop.
 *
 * <p>At most {@link #LIMIT} balances are kept a chain, so a writer holding many large tenants holds
 * little: past that, they are dropped and learned again.
 */
final class KnownBalances {
  static final int LIMIT = 1024;

  private final Map<Posting.BalanceKey, BigDecimal> amounts = new HashMap<>();
  private long seq = -1;
  private byte[] hash;

  /** The amount stored for {@code key} at the head these were left at, or null when it is not known. */
  BigDecimal get(Posting.BalanceKey key) {
    return amounts.get(key);
  }

  boolean isEmpty() {
    return amounts.isEmpty();
  }

  /** Whether these are the balances at the head {@code (seq, hash)}. */
  boolean at(long seq, byte[] hash) {
    return this.seq == seq && Arrays.equals(this.hash, hash);
  }

  /** A batch committed: its balances are stored and its head is the chain's. */
  void committed(BatchPlanner.Plan plan) {
    if (amounts.size() + plan.balances().size() > LIMIT) {
      amounts.clear();
    }
    amounts.putAll(plan.balances());
    seq = plan.headSeq();
    hash = plan.headHash();
  }

  /** Forget everything: the chain may have moved without this writer. */
  void drop() {
    amounts.clear();
    seq = -1;
    hash = null;
  }
}

package io.keyway.bench;

import io.keyway.ledger.AppendRequest;
import io.keyway.ledger.BatchPlanner;
import io.keyway.ledger.HashChain;
import io.keyway.ledger.Posting;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's chain computed in memory by the ledger's own {@link BatchPlanner}: the same canonical
 * text, hashes, postings and balances the ledger would write for the same appends, with no database.
 * Each batch is chained after the previous one. Every append of the mix must be accepted (fresh
 * idempotency keys, deposits only), so a refusal is a bug in the benchmark and fails it.
 */
final class PlannedChain {
  private final EntryMix mix;
  private final Map<Posting.BalanceKey, BigDecimal> balances = new HashMap<>();
  private long headSeq;
  private byte[] headHash = HashChain.GENESIS;

  PlannedChain(EntryMix mix) {
    this.mix = mix;
  }

  UUID tenantId() {
    return mix.tenantId();
  }

  long headSeq() {
    return headSeq;
  }

  byte[] headHash() {
    return headHash;
  }

  /** The next {@code size} appends of the mix, planned after the current head. */
  BatchPlanner.Plan nextBatch(int size) {
    List<AppendRequest> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(mix.next());
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    BatchPlanner.Plan plan = BatchPlanner.plan(mix.tenantId(), headSeq, headHash, Map.of(), balances, batch, now,
        UUID::randomUUID);
    for (BatchPlanner.Outcome o : plan.outcomes()) {
      if (!o.accepted()) {
        throw new IllegalStateException("the planner refused a benchmark append: " + o.refusal().getMessage());
      }
    }
    balances.putAll(plan.balances());
    headSeq = plan.headSeq();
    headHash = plan.headHash();
    return plan;
  }
}

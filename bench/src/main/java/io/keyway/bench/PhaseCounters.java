package io.keyway.bench;

import java.lang.management.ManagementFactory;

/**
 * Counters read before and after a phase, to tell what else happened during it: PostgreSQL's newest
 * transaction id (so the write transactions), the checkpoints it started, and the time this JVM's
 * JIT spent compiling (on 2 cores a compiling JIT takes CPU from the phase).
 */
record PhaseCounters(long transactionId, long checkpoints, long jitMillis) {

  /** This JVM's compile time so far, in milliseconds (summed over compiler threads). */
  static long jitMillisSoFar() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** What happened between this reading and {@code later}: write transactions, checkpoints, JIT time. */
  PhaseCounters until(PhaseCounters later) {
    return new PhaseCounters(LedgerPhase.writeTransactionsBetween(transactionId, later.transactionId),
        later.checkpoints - checkpoints, later.jitMillis - jitMillis);
  }
}

package io.keyway.bench;

import java.time.Duration;

/**
 * What one measured phase of {@link LedgerBench} saw.
 *
 * @param server which PostgreSQL ({@link Durability#label()})
 * @param kind {@link #LEDGER} (closed loop, the capacity), {@link #OPEN} (the ledger at a fixed
 *     arrival rate), {@link #BASELINE} or {@link #VERIFY}
 * @param chains tenant chains written (or verified) at once
 * @param inFlight appends in flight (ledger), transactions in flight (baseline), appends offered a
 *     second (open), 1 (verify)
 * @param entries entries durably written (answered) or verified
 * @param elapsed from the first send until the last answer of the phase
 * @param transactions write transactions PostgreSQL assigned in the phase (0 for verify)
 * @param p50Millis median latency: one append, send to durable reply (ledger), or from the moment it
 *     was due to be sent to the durable reply (open); one batch transaction,
 *     which is what each of its rows waits for (baseline); NaN for verify
 * @param p99Millis the 99th percentile of the same
 * @param errors appends that failed (ledger), transactions that failed (baseline), a chain that did
 *     not verify (verify)
 * @param checkpoints PostgreSQL checkpoints started during the phase
 * @param jitMillis time the JVM's JIT spent compiling during the phase
 * @param jvmCpuNanos CPU time this JVM used during the phase (the ledger, the callers or the
 *     baseline's writers, JIT and GC), 0 if not measured
 * @param postgresCpuNanos CPU time PostgreSQL's processes used during the phase, 0 if not measured
 */
record LedgerPhase(
    String server,
    String kind,
    int chains,
    int inFlight,
    long entries,
    Duration elapsed,
    long transactions,
    double p50Millis,
    double p99Millis,
    long errors,
    long checkpoints,
    long jitMillis,
    long jvmCpuNanos,
    long postgresCpuNanos) {

  /** A phase whose CPU time was not measured. */
  LedgerPhase(String server, String kind, int chains, int inFlight, long entries, Duration elapsed, long transactions,
      double p50Millis, double p99Millis, long errors, long checkpoints, long jitMillis) {
    this(server, kind, chains, inFlight, entries, elapsed, transactions, p50Millis, p99Millis, errors, checkpoints,
        jitMillis, 0, 0);
  }

  static final String LEDGER = "ledger";
  static final String OPEN = "open";
  static final String BASELINE = "baseline";
  static final String VERIFY = "verify";

  /** A ledger or baseline phase: its counts, latencies and errors, and what {@code during} saw. */
  static LedgerPhase measured(String server, String kind, int chains, int inFlight, long entries, Duration elapsed,
      double p50Millis, double p99Millis, long errors, PhaseCounters during) {
    return new LedgerPhase(server, kind, chains, inFlight, entries, elapsed, during.transactionId(), p50Millis,
        p99Millis, errors, during.checkpoints(), during.jitMillis(), during.jvmCpuNanos(), during.postgresCpuNanos());
  }

  /** CPU microseconds per entry written: {@code nanos} over the phase's entries; NaN if not measured. */
  double microsPerEntry(long cpuNanos) {
    return cpuNanos <= 0 || entries <= 0 ? Double.NaN : cpuNanos / 1e3 / entries;
  }

  double entriesPerSecond() {
    return elapsed.isZero() ? 0 : entries / (elapsed.toNanos() / 1e9);
  }

  double transactionsPerSecond() {
    return elapsed.isZero() ? 0 : transactions / (elapsed.toNanos() / 1e9);
  }

  /** Entries per write transaction: the batch size group commit reached. */
  double averageBatch() {
    return averageBatch(entries, transactions);
  }

  static double averageBatch(long entries, long transactions) {
    return transactions <= 0 ? 0 : (double) entries / transactions;
  }

  /**
   * Write transactions between two {@link BenchSql#CURRENT_XID} readings: the second reading takes an
   * id of its own, which is not the phase's.
   */
  static long writeTransactionsBetween(long xidBefore, long xidAfter) {
    if (xidAfter <= xidBefore) {
      throw new IllegalArgumentException("transaction ids go forward: " + xidBefore + " then " + xidAfter);
    }
    return xidAfter - xidBefore - 1;
  }

  /** A baseline batch size matching what a ledger phase reached: its average, rounded, at least 1. */
  static int matchingBatchSize(LedgerPhase ledger) {
    return (int) Math.max(1, Math.round(ledger.averageBatch()));
  }
}

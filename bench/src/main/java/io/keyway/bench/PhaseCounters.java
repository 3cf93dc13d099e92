package io.keyway.bench;

import java.lang.management.ManagementFactory;

/**
 * Counters read before and after a phase, to tell what else happened during it: PostgreSQL's newest
 * transaction id (so the write transactions), the checkpoints it started, the time this JVM's JIT
 * spent compiling (on 2 cores a compiling JIT takes CPU from the phase), and the CPU time this JVM
 * and PostgreSQL's processes used (which, unlike elapsed time, other work on a shared machine
 * barely changes).
 */
record PhaseCounters(long transactionId, long checkpoints, long jitMillis, long jvmCpuNanos, long postgresCpuNanos) {

  PhaseCounters(long transactionId, long checkpoints, long jitMillis) {
    this(transactionId, checkpoints, jitMillis, 0, 0);
  }

  /** This JVM's compile time so far, in milliseconds (summed over compiler threads). */
  static long jitMillisSoFar() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** CPU time this JVM has used so far, every thread, in nanoseconds; 0 where the JVM cannot tell. */
  static long jvmCpuNanosSoFar() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime()) : 0;
  }

  /** What happened between this reading and {@code later}: write transactions, checkpoints, JIT and CPU time. */
  PhaseCounters until(PhaseCounters later) {
    return new PhaseCounters(LedgerPhase.writeTransactionsBetween(transactionId, later.transactionId),
        later.checkpoints - checkpoints, later.jitMillis - jitMillis, later.jvmCpuNanos - jvmCpuNanos,
        later.postgresCpuNanos - postgresCpuNanos);
  }
}

package io.keyway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * CPU time of each Vert.x event loop thread of this JVM (the ledger's loops, the callers' and the
 * PostgreSQL client's I/O run there; JIT and GC do not), between two readings. Other work on the
 * machine slows a thread down but hardly changes the CPU it needs per entry, so this is what to
 * compare across runs on a shared machine; the busiest loop is the ceiling of what one loop can do.
 */
final class LedgerLoopCpu {
  private static final String EVENT_LOOP = "vert.x-eventloop-thread-";
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<String, Long> nanos;

  private LedgerLoopCpu(Map<String, Long> nanos) {
    this.nanos = nanos;
  }

  static LedgerLoopCpu now() {
    Map<String, Long> nanos = new TreeMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(EVENT_LOOP)) {
        long cpu = THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          nanos.put(info.getThreadName().substring(EVENT_LOOP.length()), cpu);
        }
      }
    }
    return new LedgerLoopCpu(nanos);
  }

  /** One line: every event loop's CPU µs per entry since {@code this}, the busiest and the sum. */
  String perEntrySince(LedgerLoopCpu later, long entries) {
    StringJoiner each = new StringJoiner(", ");
    double max = 0;
    double sum = 0;
    for (Map.Entry<String, Long> e : later.nanos.entrySet()) {
      double us = (e.getValue() - nanos.getOrDefault(e.getKey(), 0L)) / 1e3 / Math.max(1, entries);
      max = Math.max(max, us);
      sum += us;
      each.add(String.format(Locale.ROOT, "loop %s %.1f", e.getKey(), us));
    }
    return String.format(Locale.ROOT, "event loops CPU µs/entry: busiest %.1f, all %.1f (%s)", max, sum, each);
  }
}

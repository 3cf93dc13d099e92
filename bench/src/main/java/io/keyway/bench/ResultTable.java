package io.keyway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The report: one row per measured phase, one summary row per endpoint, the authenticated to
 * unauthenticated throughput ratio, and whether the target was met.
 */
final class ResultTable {
  static final double TARGET_ME_RPS = 20_000;
  static final double TARGET_ME_P99_MILLIS = 10;

  private static final String ROW = "%-8s %5s %11s %10s %8s %8s %8s %10s%n";

  private ResultTable() {}

  /** Prints the table; returns the summary of {@code me} and {@code health} for the caller's exit code. */
  static Summary print(PrintStream out, List<PhaseResult> results, String healthPhase, String mePhase) {
    out.printf(Locale.ROOT, ROW, "phase", "round", "requests", "req/s", "p50 ms", "p99 ms", "non-200", "io errors");
    for (PhaseResult r : results) {
      row(out, r, Integer.toString(r.round()));
    }
    PhaseResult health = combined(results, healthPhase);
    PhaseResult me = combined(results, mePhase);
    row(out, health, "all");
    row(out, me, "all");
    out.println("(\"all\" rows: req/s over every round together; p50 and p99 of the worst round)");
    double ratio = me.requestsPerSecond() / health.requestsPerSecond();
    out.printf(Locale.ROOT, "ratio me/health req/s: %.2f%n", ratio);
    Summary summary = new Summary(health, me, ratio);
    out.printf(Locale.ROOT, "target: %s >= %,.0f req/s at p99 <= %.0f ms with no errors: %s%n", mePhase,
        TARGET_ME_RPS, TARGET_ME_P99_MILLIS, summary.targetMet() ? "MET" : "NOT MET");
    return summary;
  }

  private static void row(PrintStream out, PhaseResult r, String round) {
    out.printf(Locale.ROOT, ROW, r.phase(), round, String.format(Locale.ROOT, "%,d", r.requests()),
        String.format(Locale.ROOT, "%,.0f", r.requestsPerSecond()),
        String.format(Locale.ROOT, "%.2f", r.p50Millis()), String.format(Locale.ROOT, "%.2f", r.p99Millis()),
        Long.toString(r.non200()), Long.toString(r.ioErrors()));
  }

  /** Every round of one phase as one result: summed counts and time, the worst round's percentiles. */
  static PhaseResult combined(List<PhaseResult> results, String phase) {
    List<PhaseResult> rounds = results.stream().filter(r -> r.phase().equals(phase)).toList();
    return new PhaseResult(phase, 0,
        rounds.stream().mapToLong(PhaseResult::requests).sum(),
        rounds.stream().map(PhaseResult::elapsed).reduce(Duration.ZERO, Duration::plus),
        rounds.stream().mapToDouble(PhaseResult::p50Millis).max().orElse(0),
        rounds.stream().mapToDouble(PhaseResult::p99Millis).max().orElse(0),
        rounds.stream().mapToLong(PhaseResult::non200).sum(),
        rounds.stream().mapToLong(PhaseResult::ioErrors).sum());
  }

  /** The combined results of the two endpoints. */
  record Summary(PhaseResult health, PhaseResult me, double ratio) {
    boolean anyErrors() {
      return health.errors() > 0 || me.errors() > 0;
    }

    boolean targetMet() {
      return !anyErrors() && me.requestsPerSecond() >= TARGET_ME_RPS && me.p99Millis() <= TARGET_ME_P99_MILLIS;
    }
  }
}

package io.keyway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report: one row per measured phase (ledger, its baseline, the open loop, each verification, all
 * verifications together), the ledger to baseline ratios, and each target MET or MISSED. The targets
 * are held against the durable server; the fsync off rows are there for comparison. Throughput and
 * ratio are the closed loop's (the capacity); the p99 is the open loop's, at the offered rate.
 */
final class LedgerReport {
  static final double TARGET_DURABLE_ENTRIES_PER_SECOND = 20_000;
  static final double TARGET_RATIO = 0.6;
  static final double TARGET_P99_MILLIS = 20;
  static final double TARGET_VERIFY_ENTRIES_PER_SECOND = 1_000_000;
  /**
   * An open-loop phase counts only if the ledger answered at least this share of the offered rate:
   * one that fell behind (and was stopped) has not carried that load, whatever the latency of what it
   * did answer.
   */
  static final double OPEN_LOOP_SUSTAINED = 0.95;

  private static final String ROW = "%-9s  %-8s  %6s  %9s  %10s  %10s  %7s  %6s  %7s  %8s  %6s  %5s  %5s  %6s  %6s%n";

  private LedgerReport() {}

  /** One target, what was measured against it, and whether it was met. */
  record Target(String name, String measured, boolean met) {}

  static void print(PrintStream out, List<LedgerPhase> phases) {
    out.printf(Locale.ROOT, ROW, "server", "phase", "chains", "in flight", "entries", "entries/s", "tx/s", "batch",
        "p50 ms", "p99 ms", "errors", "ckpts", "jit s", "JVM us", "PG us");
    for (LedgerPhase p : phases) {
      row(out, p, Integer.toString(p.chains()));
    }
    verifyCombined(phases).ifPresent(all -> row(out, all, "all"));
    out.println("(ledger: closed loop, the capacity; open: appends offered at a fixed rate, entries/s what was answered;");
    out.println(" in flight: appends for ledger, transactions for baseline, appends offered a second for open;");
    out.println(" p50/p99: one append from send (open: from when it was due) to durable reply for ledger and open,");
    out.println(" one batch transaction for baseline; tx/s: write transactions PostgreSQL assigned;");
    out.println(" batch: entries per write transaction; ckpts: PostgreSQL checkpoints started in the phase;");
    out.println(" jit s: time the JVM's JIT spent compiling in the phase; JVM us, PG us: CPU time this JVM (ledger,");
    out.println(" callers or writers, JIT, GC) and PostgreSQL's processes used in the phase per entry written;");
    out.println(" verify \"all\": every run together)");
    for (LedgerPhase ledger : phases) {
      baselineOf(phases, ledger).ifPresent(b -> out.printf(Locale.ROOT,
          "ratio ledger/baseline entries/s, %s, %d chain(s): %.2f%n", ledger.server(), ledger.chains(), ratio(ledger, b)));
    }
    out.println("targets (durable server):");
    for (Target t : targets(phases)) {
      out.printf(Locale.ROOT, "  %-52s %-40s %s%n", t.name(), t.measured(), t.met() ? "MET" : "MISSED");
    }
  }

  private static void row(PrintStream out, LedgerPhase p, String chains) {
    boolean verify = p.kind().equals(LedgerPhase.VERIFY);
    String inFlight = p.kind().equals(LedgerPhase.OPEN) ? String.format(Locale.ROOT, "%d/s", p.inFlight())
        : Integer.toString(p.inFlight());
    out.printf(Locale.ROOT, ROW, p.server(), p.kind(), chains, inFlight,
        String.format(Locale.ROOT, "%,d", p.entries()), String.format(Locale.ROOT, "%,.0f", p.entriesPerSecond()),
        verify ? "-" : String.format(Locale.ROOT, "%,.0f", p.transactionsPerSecond()),
        verify ? "-" : String.format(Locale.ROOT, "%.1f", p.averageBatch()),
        verify ? "-" : String.format(Locale.ROOT, "%.2f", p.p50Millis()),
        verify ? "-" : String.format(Locale.ROOT, "%.2f", p.p99Millis()),
        Long.toString(p.errors()), Long.toString(p.checkpoints()),
        String.format(Locale.ROOT, "%.1f", p.jitMillis() / 1e3), micros(p.microsPerEntry(p.jvmCpuNanos())),
        micros(p.microsPerEntry(p.postgresCpuNanos())));
  }

  private static String micros(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Every target, in the order printed. */
  static List<Target> targets(List<LedgerPhase> phases) {
    List<Target> targets = new ArrayList<>();
    List<LedgerPhase> durable = phases.stream()
        .filter(p -> p.kind().equals(LedgerPhase.LEDGER) && p.server().equals(Durability.DURABLE.label()))
        .toList();
    if (durable.isEmpty()) {
      targets.add(new Target("durable ledger phases", "not run", false));
    }
    for (LedgerPhase p : durable) {
      String chains = p.chains() + " chain(s)";
      targets.add(new Target(String.format(Locale.ROOT, "entries/s >= %,.0f with no errors, %s",
          TARGET_DURABLE_ENTRIES_PER_SECOND, chains),
          String.format(Locale.ROOT, "%,.0f, %d errors", p.entriesPerSecond(), p.errors()),
          p.errors() == 0 && p.entriesPerSecond() >= TARGET_DURABLE_ENTRIES_PER_SECOND));
      Optional<LedgerPhase> baseline = baselineOf(phases, p);
      targets.add(new Target(String.format(Locale.ROOT, "ratio ledger/baseline >= %.2f, %s", TARGET_RATIO, chains),
          baseline.map(b -> String.format(Locale.ROOT, "%.2f", ratio(p, b))).orElse("no baseline"),
          baseline.map(b -> ratio(p, b) >= TARGET_RATIO).orElse(false)));
      Optional<LedgerPhase> open = openOf(phases, p);
      targets.add(new Target(String.format(Locale.ROOT, "p99 <= %.0f ms, open loop, %s", TARGET_P99_MILLIS, chains),
          open.map(o -> String.format(Locale.ROOT, "%.2f ms at %,d/s: %,.0f/s, %d err", o.p99Millis(), o.inFlight(),
              o.entriesPerSecond(), o.errors())).orElse("not run"),
          open.map(o -> o.errors() == 0 && o.p99Millis() <= TARGET_P99_MILLIS
              && o.entriesPerSecond() >= OPEN_LOOP_SUSTAINED * o.inFlight()).orElse(false)));
    }
    Optional<LedgerPhase> verify = verifyCombined(phases);
    targets.add(new Target(String.format(Locale.ROOT, "verify >= %,.0f entries/s (all runs), chain ok",
        TARGET_VERIFY_ENTRIES_PER_SECOND),
        verify.map(v -> String.format(Locale.ROOT, "%,.0f, %d errors", v.entriesPerSecond(), v.errors()))
            .orElse("not run"),
        verify.map(v -> v.errors() == 0 && v.entriesPerSecond() >= TARGET_VERIFY_ENTRIES_PER_SECOND).orElse(false)));
    return targets;
  }

  static double ratio(LedgerPhase ledger, LedgerPhase baseline) {
    double limit = baseline.entriesPerSecond();
    return limit == 0 ? 0 : ledger.entriesPerSecond() / limit;
  }

  /** The baseline measured against {@code ledger}: same server, same number of chains. */
  static Optional<LedgerPhase> baselineOf(List<LedgerPhase> phases, LedgerPhase ledger) {
    if (!ledger.kind().equals(LedgerPhase.LEDGER)) {
      return Optional.empty();
    }
    return phases.stream()
        .filter(p -> p.kind().equals(LedgerPhase.BASELINE) && p.server().equals(ledger.server())
            && p.chains() == ledger.chains())
        .findFirst();
  }

  /** The open-loop phase beside a (closed-loop) ledger phase: same server, same number of chains. */
  static Optional<LedgerPhase> openOf(List<LedgerPhase> phases, LedgerPhase ledger) {
    return phases.stream()
        .filter(p -> p.kind().equals(LedgerPhase.OPEN) && p.server().equals(ledger.server())
            && p.chains() == ledger.chains())
        .findFirst();
  }

  /** Every verification run as one: summed entries, time and errors. */
  static Optional<LedgerPhase> verifyCombined(List<LedgerPhase> phases) {
    List<LedgerPhase> runs = phases.stream().filter(p -> p.kind().equals(LedgerPhase.VERIFY)).toList();
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LedgerPhase(runs.get(0).server(), LedgerPhase.VERIFY, 1, 1,
        runs.stream().mapToLong(LedgerPhase::entries).sum(),
        runs.stream().map(LedgerPhase::elapsed).reduce(Duration.ZERO, Duration::plus), 0, Double.NaN, Double.NaN,
        runs.stream().mapToLong(LedgerPhase::errors).sum(), runs.stream().mapToLong(LedgerPhase::checkpoints).sum(),
        runs.stream().mapToLong(LedgerPhase::jitMillis).sum()));
  }
}

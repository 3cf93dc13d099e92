package io.keyway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report: one row per measured phase, one "all" row per phase kind and concurrency, the resolve to
 * bare decrypt ratios, what decrypting costs a resolve, and each target MET or MISSED. The resolve
 * target is judged on the open loop at the target rate; the closed loop gives the capacity.
 */
final class VaultReport {
  static final double TARGET_RESOLVES_PER_SECOND = 20_000;
  /** Strictly below. */
  static final double TARGET_RESOLVE_P99_MILLIS = 2;
  /** The open loop at the target rate meets the rate if it achieves this share of it. */
  static final double TARGET_RATE_TOLERANCE = 0.99;
  static final double TARGET_DECRYPTS_PER_SECOND = 100_000;

  /**
   * Other processes and other VMs together taking more than this many cores during a measured phase
   * make its figures suspect.
   */
  static final double OTHERS_LIMIT_CORES = 0.10;

  private static final String ROW = "%-8s %5s %5s %12s %10s %7s %7s %8s %7s %6s %6s%n";
  private static final String CPU_ROW = "%-8s %5s %5s %6s %10s %12s %11s %10s %7s %6s %10s %9s %10s %9s%n";

  private VaultReport() {}

  /** One target, what was measured against it, and whether it was met. */
  record Target(String name, String measured, boolean met) {}

  static void print(PrintStream out, List<VaultPhase> phases) {
    out.printf(Locale.ROOT, ROW, "phase", "round", "conc", "operations", "ops/s", "p50 ms", "p99 ms", "p99.9 ms",
        "touches", "late", "errors");
    for (VaultPhase p : phases) {
      row(out, p, Integer.toString(p.round()));
    }
    List<VaultPhase> all = allRows(phases);
    for (VaultPhase p : all) {
      row(out, p, "all");
    }
    out.println("(resolve: closed loop, conc = resolves in flight; open: open loop, conc = resolves scheduled "
        + "per second, latency from when each was due to be sent, late = sent over 1 ms after that; decrypt: "
        + "conc = threads; latency: one resolve to its reply; touches: last-use records written, one "
        + "transaction each; \"all\" rows: ops/s over every round together, percentiles of the worst round)");
    if (phases.stream().anyMatch(p -> p.cpu().isPresent())) {
      printCpu(out, phases, all);
    }
    Optional<VaultPhase> resolve = closedLoop(all);
    List<VaultPhase> decrypts = all.stream().filter(p -> !p.isResolve()).toList();
    resolve.ifPresent(r -> out.printf(Locale.ROOT, "capacity (closed loop, %d in flight, not a target): %,.0f "
        + "resolves/s, p99 %.2f ms (queueing: %d in flight / rate)%n", r.concurrency(), r.operationsPerSecond(),
        r.p99Millis(), r.concurrency()));
    resolve.ifPresent(r -> {
      for (VaultPhase d : decrypts) {
        out.printf(Locale.ROOT, "ratio resolve/bare decrypt ops/s, %d decrypt thread(s): %.3f%n", d.concurrency(),
            ratio(r, d));
      }
    });
    decrypts.stream().filter(d -> d.concurrency() == 1).findFirst().ifPresent(d -> {
      double micros = microsPerOpen(d);
      out.printf(Locale.ROOT, "bare decrypt: %.2f µs %s per open on one thread", micros,
          d.cpu().isPresent() ? "of CPU" : "(wall clock)");
      resolve.ifPresent(r -> out.printf(Locale.ROOT, "; at %,.0f resolves/s decrypting takes %.0f %% of one core",
          r.operationsPerSecond(), r.operationsPerSecond() * micros / 1e4));
      out.println();
    });
    out.println("targets:");
    for (Target t : targets(all)) {
      out.printf(Locale.ROOT, "  %-60s %-32s %s%n", t.name(), t.measured(), t.met() ? "MET" : "MISSED");
    }
  }

  private static void printCpu(PrintStream out, List<VaultPhase> phases, List<VaultPhase> all) {
    out.println();
    out.println("CPU, in cores:");
    out.printf(Locale.ROOT, CPU_ROW, "phase", "round", "conc", "JVM", "vault loop", "callers loop", "other loops",
        "PostgreSQL", "others", "steal", "JVM µs/op", "PG µs/op", "JVM sl/op", "PG sl/op");
    for (VaultPhase p : phases) {
      cpuRow(out, p, Integer.toString(p.round()));
    }
    for (VaultPhase p : all) {
      cpuRow(out, p, "all");
    }
    out.println("(JVM: this whole process, callers and GC included; vault loop, callers loop: those event loop "
        + "threads alone; other loops: the remaining event loops, where pooled connections may live; PostgreSQL: "
        + "this run's server; others: the rest of the machine; steal: CPU the hypervisor gave to other VMs; µs/op: CPU time per resolve or open; sl/op: voluntary context switches (a thread "
        + "going to sleep, to be woken: a hand-off) per resolve; \"all\" rows: "
        + "means over the rounds)");
    for (VaultPhase p : phases) {
      p.cpu().filter(u -> u.others() + u.steal() > OTHERS_LIMIT_CORES).ifPresent(u -> out.printf(Locale.ROOT,
          "warning: other processes used %.2f cores and other VMs %.2f during %s round %d (conc %d): its figures "
              + "are suspect%n", u.others(), u.steal(), p.kind(), p.round(), p.concurrency()));
    }
  }

  private static void cpuRow(PrintStream out, VaultPhase p, String round) {
    p.cpu().ifPresent(u -> out.printf(Locale.ROOT, CPU_ROW, p.kind(), round, Integer.toString(p.concurrency()),
        cores(u.jvm()), cores(u.vaultLoop()), cores(u.callerLoop()), cores(u.otherLoops()), cores(u.postgres()),
        cores(u.others()), cores(u.steal()),
        p.jvmMicrosPerOperation().map(m -> String.format(Locale.ROOT, "%.1f", m)).orElse("-"),
        p.isResolve() ? p.postgresMicrosPerOperation().map(m -> String.format(Locale.ROOT, "%.1f", m)).orElse("-")
            : "-",
        p.isResolve() ? p.sleepsPerOperation().map(s -> String.format(Locale.ROOT, "%.2f", s[0])).orElse("-") : "-",
        p.isResolve() ? p.sleepsPerOperation().map(s -> String.format(Locale.ROOT, "%.2f", s[1])).orElse("-") : "-"));
  }

  private static String cores(double cores) {
    return String.format(Locale.ROOT, "%.2f", cores);
  }

  private static void row(PrintStream out, VaultPhase p, String round) {
    boolean resolve = p.isResolve();
    out.printf(Locale.ROOT, ROW, p.kind(), round, Integer.toString(p.concurrency()),
        String.format(Locale.ROOT, "%,d", p.operations()), String.format(Locale.ROOT, "%,.0f", p.operationsPerSecond()),
        resolve ? String.format(Locale.ROOT, "%.2f", p.p50Millis()) : "-",
        resolve ? String.format(Locale.ROOT, "%.2f", p.p99Millis()) : "-",
        resolve ? String.format(Locale.ROOT, "%.2f", p.p999Millis()) : "-",
        resolve ? Long.toString(p.touches()) : "-",
        p.kind().equals(VaultPhase.OPEN) ? Long.toString(p.late()) : "-",
        Long.toString(p.errors()));
  }

  /** Every target, in the order printed, held against the "all" rows. */
  static List<Target> targets(List<VaultPhase> all) {
    List<Target> targets = new ArrayList<>();
    Optional<VaultPhase> atTarget = all.stream()
        .filter(p -> p.kind().equals(VaultPhase.OPEN) && p.concurrency() == TARGET_RESOLVES_PER_SECOND)
        .findFirst();
    targets.add(new Target(String.format(Locale.ROOT, "resolve >= %,.0f/s at p99 < %.0f ms, no errors (open loop)",
        TARGET_RESOLVES_PER_SECOND, TARGET_RESOLVE_P99_MILLIS),
        atTarget.map(r -> String.format(Locale.ROOT, "%,.0f/s, p99 %.2f ms, %d errors", r.operationsPerSecond(),
            r.p99Millis(), r.errors())).orElse("not run (-Dbench.rate=20000)"),
        atTarget.map(r -> r.errors() == 0
            && r.operationsPerSecond() >= TARGET_RATE_TOLERANCE * TARGET_RESOLVES_PER_SECOND
            && r.p99Millis() < TARGET_RESOLVE_P99_MILLIS).orElse(false)));
    for (VaultPhase d : all.stream().filter(p -> !p.isResolve()).toList()) {
      targets.add(new Target(String.format(Locale.ROOT, "bare decrypt >= %,.0f/s, %d thread(s)",
          TARGET_DECRYPTS_PER_SECOND, d.concurrency()),
          String.format(Locale.ROOT, "%,.0f/s", d.operationsPerSecond()),
          d.operationsPerSecond() >= TARGET_DECRYPTS_PER_SECOND));
    }
    return targets;
  }

  /** One "all" row per (kind, concurrency), in the order first measured. */
  static List<VaultPhase> allRows(List<VaultPhase> phases) {
    List<VaultPhase> all = new ArrayList<>();
    for (VaultPhase p : phases) {
      if (all.stream().noneMatch(a -> a.kind().equals(p.kind()) && a.concurrency() == p.concurrency())) {
        all.add(combined(phases, p.kind(), p.concurrency()));
      }
    }
    return all;
  }

  /** Every round of one kind and concurrency as one: summed counts and time, the worst round's percentiles. */
  static VaultPhase combined(List<VaultPhase> phases, String kind, int concurrency) {
    List<VaultPhase> rounds = phases.stream()
        .filter(p -> p.kind().equals(kind) && p.concurrency() == concurrency)
        .toList();
    return new VaultPhase(kind, 0, concurrency,
        rounds.stream().mapToLong(VaultPhase::operations).sum(),
        rounds.stream().map(VaultPhase::elapsed).reduce(Duration.ZERO, Duration::plus),
        worst(rounds, VaultPhase::p50Millis), worst(rounds, VaultPhase::p99Millis),
        worst(rounds, VaultPhase::p999Millis),
        rounds.stream().mapToLong(VaultPhase::touches).sum(),
        rounds.stream().mapToLong(VaultPhase::late).sum(),
        rounds.stream().mapToLong(VaultPhase::errors).sum(),
        rounds.stream().allMatch(r -> r.cpu().isPresent()) && !rounds.isEmpty()
            ? Optional.of(VaultCpuMeter.mean(rounds.stream().map(r -> r.cpu().orElseThrow()).toList(),
                rounds.stream().map(VaultPhase::elapsed).toList()))
            : Optional.empty());
  }

  private static double worst(List<VaultPhase> rounds, ToDoubleFunction<VaultPhase> percentile) {
    return rounds.stream().mapToDouble(percentile).max().orElse(Double.NaN);
  }

  /** The closed-loop "all" row: the capacity figure. */
  private static Optional<VaultPhase> closedLoop(List<VaultPhase> all) {
    return all.stream().filter(p -> p.kind().equals(VaultPhase.RESOLVE)).findFirst();
  }

  static double ratio(VaultPhase resolve, VaultPhase decrypt) {
    double limit = decrypt.operationsPerSecond();
    return limit == 0 ? 0 : resolve.operationsPerSecond() / limit;
  }

  /**
   * The time one open takes: this JVM's CPU time per open where it was measured (which other processes
   * on the machine do not inflate), else threads over opens per second.
   */
  static double microsPerOpen(VaultPhase decrypt) {
    double rate = decrypt.operationsPerSecond();
    return decrypt.jvmMicrosPerOperation().orElse(rate == 0 ? Double.NaN : decrypt.concurrency() * 1e6 / rate);
  }
}

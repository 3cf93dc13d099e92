package io.keyway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Benchmark of the vault's resolve path: credentials linked on a throw-away PostgreSQL, then
 * resolves through {@link io.keyway.vault.VaultClient} over the event bus to a deployed
 * {@link io.keyway.vault.VaultVerticle} (a database read and a decrypt in every one, the store does
 * not cache), closed loop (the capacity) and open loop at fixed rates (the latency at that rate,
 * which the target is judged on), alternating with bare decrypts ({@link io.keyway.vault.EnvelopeCipher#open} on
 * credentials read beforehand) on 1 and on 2 threads, so whatever noise the machine has lands on
 * all of them. Prints one table to stdout; see docs/BENCHMARKS.md.
 *
 * <p>Exit status: 0 when every resolve succeeded (whether or not the targets were met), 1 when any
 * failed, 2 when the run could not be set up.
 */
public final class VaultBench {
  private VaultBench() {}

  public static void main(String[] args) {
    BenchLogging.runThenExit(serverLog -> run(VaultBenchSettings.fromSystemProperties(), serverLog, System.out));
  }

  /** Starts the vault, links, measures, prints the table and stops everything; the exit status. */
  static int run(VaultBenchSettings settings, Path serverLog, PrintStream out) throws Exception {
    out.println("Keyway vault benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.println("server log: " + serverLog);
    try (VaultUnderTest vault = VaultUnderTest.start(settings)) {
      out.println("server: " + vault.describeServer());
      List<VaultCredential> plan = VaultCredential.plan(settings.credentials(), settings.tenants(), settings.users(),
          new SecureRandom());
      long linking = System.nanoTime();
      vault.link(plan);
      out.printf(Locale.ROOT, "linked: %,d %s credentials of %,d users in %,d tenants in %.1f s%n", plan.size(),
          VaultCredential.PROVIDER, settings.users(), settings.tenants(), (System.nanoTime() - linking) / 1e9);
      // one vault per loop: the callers' own loop answers them (checked); one vault: callers on another loop
      VaultResolveLoad resolves = VaultResolveLoad.create(vault.vertx(), vault.client(), plan,
          settings.vaultPerLoop() ? null : vault.vaultEventLoop(null));
      String vaultLoop = vault.vaultEventLoop(resolves.callers());
      if (settings.vaultPerLoop() != vaultLoop.equals(resolves.callerEventLoop())) {
        throw new IllegalStateException("the callers on " + resolves.callerEventLoop() + " were answered on " + vaultLoop);
      }
      Optional<VaultCpuMeter> meter = VaultCpuMeter.onThisMachine(vault.postgresPort(), vaultLoop,
          resolves.callerEventLoop());
      resolves.requireEveryCredentialResolves();
      VaultDecryptLoad decrypts = new VaultDecryptLoad(vault.cipher(), vault.readSealed());
      decrypts.requireEveryCredentialOpens(plan);
      out.println("checked: every credential resolves, and opens, to the plaintext it was linked with");
      out.println("event loops: vault on " + vaultLoop + (settings.vaultPerLoop() ? " (one vault on every loop)" : "")
          + ", callers on " + resolves.callerEventLoop() + "; transport "
          + (vault.vertx().isNativeTransportEnabled() ? "native epoll" : "JDK NIO")
          + "; runtime pool of " + settings.poolSize() + "; vault reads through "
              + (settings.pooledReads() ? "the runtime pool" : "its pipelined client") + ", "
              + settings.flushesInFlight() + " flush(es) of batched resolves in flight; CPU " + (meter.isPresent()
          ? "measured from /proc" : "not measured (no /proc)"));
      out.printf(Locale.ROOT, "plan: %d s JIT warm-up of resolve, then of decrypt; then %d round(s) of resolve "
              + "closed loop (%d in flight), open loop at %s resolves/s (each %d s warm-up + %d s measured) and decrypt "
              + "on 1 and on 2 threads (each %d s warm-up + %d s measured); %d s of load in all%n",
          settings.jitWarmUp().toSeconds(), settings.rounds(), settings.inFlight(),
          settings.openRates().stream().map(r -> String.format(Locale.ROOT, "%,d", r)).toList(),
          settings.warmUp().toSeconds(), settings.measure().toSeconds(), settings.warmUp().toSeconds(),
          settings.decryptMeasure().toSeconds(), settings.plannedLoadTime().toSeconds());
      out.println();
      List<VaultPhase> phases = measureAlternating(vault, resolves, decrypts, meter, settings);
      VaultReport.print(out, phases);
      out.flush();
      return phases.stream().anyMatch(p -> p.errors() > 0) ? 1 : 0;
    }
  }

  /**
   * A JIT warm-up of resolve and of decrypt (discarded), then for each round: resolve, decrypt on
   * 1 thread, decrypt on 2 threads, each after a warm-up of its own (discarded).
   */
  private static List<VaultPhase> measureAlternating(VaultUnderTest vault, VaultResolveLoad resolves,
      VaultDecryptLoad decrypts, Optional<VaultCpuMeter> meter, VaultBenchSettings settings) throws Exception {
    if (!settings.jitWarmUp().isZero()) {
      resolves.run(settings.inFlight(), settings.jitWarmUp());
      decrypts.run(1, settings.jitWarmUp());
    }
    List<VaultPhase> phases = new ArrayList<>();
    for (int round = 1; round <= settings.rounds(); round++) {
      if (!settings.warmUp().isZero()) {
        resolves.run(settings.inFlight(), settings.warmUp());
      }
      phases.add(measureResolves(vault, meter, round, VaultPhase.RESOLVE, settings.inFlight(),
          () -> new VaultResolveLoad.OpenOutcome(resolves.run(settings.inFlight(), settings.measure()), 0)));
      for (int rate : settings.openRates()) {
        if (!settings.warmUp().isZero()) {
          resolves.runOpen(rate, settings.warmUp());
        }
        phases.add(measureResolves(vault, meter, round, VaultPhase.OPEN, rate,
            () -> resolves.runOpen(rate, settings.measure())));
      }
      for (int threads : VaultBenchSettings.DECRYPT_THREADS) {
        if (!settings.warmUp().isZero()) {
          decrypts.run(threads, settings.warmUp());
        }
        Optional<VaultCpuMeter.Reading> before = read(meter);
        VaultDecryptLoad.Outcome o = decrypts.run(threads, settings.decryptMeasure());
        phases.add(new VaultPhase(VaultPhase.DECRYPT, round, threads, o.opened(), o.elapsed(), Double.NaN,
            Double.NaN, Double.NaN, 0, 0, 0, since(meter, before)));
      }
    }
    return phases;
  }

  /** One measured resolve phase, closed or open loop, with its CPU and the last-use records it wrote. */
  private static VaultPhase measureResolves(VaultUnderTest vault, Optional<VaultCpuMeter> meter, int round,
      String kind, int concurrency, Callable<VaultResolveLoad.OpenOutcome> load) throws Exception {
    Instant from = Instant.now();
    Optional<VaultCpuMeter.Reading> before = read(meter);
    VaultResolveLoad.OpenOutcome run = load.call();
    Optional<VaultCpuMeter.Usage> cpu = since(meter, before);
    long touches = vault.touchedBetween(from, Instant.now());
    VaultResolveLoad.Outcome o = run.outcome();
    reportFailures(round, o);
    return new VaultPhase(kind, round, concurrency, o.answered(), o.elapsed(), o.p50Millis(), o.p99Millis(),
        o.p999Millis(), touches, run.late(), o.failed(), cpu);
  }

  private static void reportFailures(int round, VaultResolveLoad.Outcome o) {
    if (o.failed() > 0) {
      System.err.println("round " + round + ": " + o.failed() + " resolve(s) failed, the first with: "
          + o.firstFailure());
    }
  }

  private static Optional<VaultCpuMeter.Reading> read(Optional<VaultCpuMeter> meter) throws IOException {
    return meter.isPresent() ? Optional.of(meter.get().read()) : Optional.empty();
  }

  private static Optional<VaultCpuMeter.Usage> since(Optional<VaultCpuMeter> meter,
      Optional<VaultCpuMeter.Reading> before) throws IOException {
    return meter.isPresent() && before.isPresent()
        ? Optional.of(VaultCpuMeter.between(before.get(), meter.get().read()))
        : Optional.empty();
  }
}

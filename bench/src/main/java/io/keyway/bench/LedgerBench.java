package io.keyway.bench;

import io.keyway.ledger.Checkpoint;
import io.keyway.ledger.LedgerVerifier;
import io.keyway.ledger.LedgerVerticle;
import io.keyway.ledger.VerifyReport;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Benchmark of the ledger's write and verify paths, on a throw-away PostgreSQL with fsync off and
 * then on a durable one (fsync and synchronous_commit on). On each: closed-loop appends through the
 * {@link io.keyway.ledger.LedgerVerticle} (group commit) to one tenant's chain and to several, each
 * followed by its baseline, plain multi-row INSERTs of the same rows in batches of the size group
 * commit reached. Every chain written is verified afterwards. Then, on the durable server (or the
 * only one), a long chain is bulk-loaded and its verification timed. Prints one table to stdout;
 * see docs/BENCHMARKS.md.
 *
 * <p>Exit status: 0 when every append, baseline transaction and verification succeeded (whether or
 * not the targets were met), 1 when any failed, 2 when the run could not be set up.
 */
public final class LedgerBench {
  private static final Duration SIGN_LIMIT = Duration.ofSeconds(30);

  private LedgerBench() {}

  public static void main(String[] args) {
    BenchLogging.runThenExit(serverLog -> run(LedgerBenchSettings.fromSystemProperties(), serverLog, System.out));
  }

  /** Measures on every server, prints the table; the exit status. */
  static int run(LedgerBenchSettings settings, Path serverLog, PrintStream out) throws Exception {
    out.println("Keyway ledger benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        + ", load average " + loadAverage());
    out.println("server log: " + serverLog);
    out.printf(Locale.ROOT, "plan: on each server %d s JIT warm-up, then for %s chain(s): ledger (closed loop, %d in "
            + "flight), baseline and open loop (%,d appends/s offered), each %s%d s warm-up + %d s measured (%d s of load "
            + "per server); pool of %d; then verify a %,d-entry chain %d time(s) after %d discarded%n",
        settings.jitWarmUp().toSeconds(), settings.chainCounts().stream().map(String::valueOf).toList(),
        settings.inFlight(), settings.openRate(),
        settles() ? "after VACUUM (ANALYZE), CHECKPOINT and autovacuum idle, " : "",
        settings.warmUp().toSeconds(), settings.measure().toSeconds(),
        settings.plannedLoadTimePerServer().toSeconds(), settings.poolSize(), settings.verifyEntries(),
        settings.verifyRuns(), settings.verifyWarmUps());
    List<LedgerPhase> phases = new ArrayList<>();
    Durability verifyOn = verifyServer(settings.servers());
    for (Durability durability : settings.servers()) {
      try (LedgerUnderTest ledger = LedgerUnderTest.start(durability, settings.poolSize())) {
        out.println(durability.label() + ": " + ledger.describeServer());
        out.println(durability.label() + ": " + ledger.describeSchema());
        phases.addAll(measureAppends(ledger, settings, out));
        if (durability == verifyOn) {
          phases.addAll(verifyLongChain(ledger, settings, out));
        }
      }
    }
    out.println("load average at the end: " + loadAverage() + " (other work on the machine shares its cores)");
    out.println();
    LedgerReport.print(out, phases);
    out.flush();
    return phases.stream().anyMatch(p -> p.errors() > 0) ? 1 : 0;
  }

  /** The JIT warm-up, then for each chain count a ledger phase and its baseline. */
  private static List<LedgerPhase> measureAppends(LedgerUnderTest ledger, LedgerBenchSettings settings,
      PrintStream out) throws Exception {
    AppendLoad load = new AppendLoad(ledger.vertx(), ledger.client());
    InsertBaseline baseline = InsertBaseline.prepare(ledger.vertx(), ledger.pool(), ledger.ownerConnection());
    if (!settings.jitWarmUp().isZero()) {
      warmUp((mixes, duration) -> load.run(mixes, settings.inFlight(), duration), newChains(settings.tenants()),
          settings.jitWarmUp(), out);
    }
    List<LedgerPhase> phases = new ArrayList<>();
    for (int chains : settings.chainCounts()) {
      settle(ledger, "ledger, " + chains + " chain(s)", out);
      LedgerPhase appended = measureLedger(ledger, load, chains, settings, out);
      settle(ledger, "baseline, " + chains + " chain(s)", out);
      LedgerPhase inserted = measureBaseline(ledger, baseline, chains, LedgerPhase.matchingBatchSize(appended),
          settings, out);
      settle(ledger, "open, " + chains + " chain(s)", out);
      LedgerPhase offered = measureOpen(ledger, load, chains, settings, out);
      phases.add(appended);
      phases.add(inserted);
      phases.add(offered);
      out.printf(Locale.ROOT, "  %s, %d chain(s): ledger %,.0f entries/s in batches of %.1f, baseline %,.0f rows/s; "
              + "%,d/s offered: %,.0f/s answered, p99 %.2f ms%n",
          appended.server(), chains, appended.entriesPerSecond(), appended.averageBatch(), inserted.entriesPerSecond(),
          settings.openRate(), offered.entriesPerSecond(), offered.p99Millis());
    }
    return phases;
  }

  /**
   * Before a load phase, with {@code -Dbench.settle=true}: {@code VACUUM (ANALYZE)} of every table the phases write,
   * a {@code CHECKPOINT}, then autovacuum idle, so that the phase does not pay for the dead rows and the statistics
   * the phases before it left. Without it autovacuum lands in whichever phase its launcher's minute falls on: a worker vacuuming the
   * baseline's blocks was seen holding a core through the four-chain open loop that followed the baseline (session 9).
   * Off by default: with it the four-chain closed loop ran slower, for reasons not yet understood (docs/BENCHMARKS.md,
   * ledger, "Session 9"), so the documented command stays as it was.
   */
  private static void settle(LedgerUnderTest ledger, String phase, PrintStream out) throws Exception {
    if (!settles()) {
      return;
    }
    Duration vacuum = ledger.vacuumPhaseTables();
    out.printf(Locale.ROOT, "  before %s: VACUUM (ANALYZE) and CHECKPOINT %.1f s, then waited %s%n", phase,
        vacuum.toMillis() / 1e3, ledger.awaitAutovacuumIdle(SETTLE_LIMIT));
  }

  /** Whether each load phase starts settled ({@code -Dbench.settle}, default false). */
  private static boolean settles() {
    return SystemProperties.booleanProperty("bench.settle", false);
  }

  /** The longest a phase waits for autovacuum before it starts. */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

  /** The longest the verification waits for autovacuum to finish with the load phases' tables. */
  private static final Duration AUTOVACUUM_LIMIT = Duration.ofSeconds(90);

  /** One shape of append load (closed or open loop) on some chains for some time. */
  @FunctionalInterface
  private interface Load {
    AppendLoad.Outcome run(List<EntryMix> chains, Duration duration) throws Exception;
  }

  /** Discarded load; failures are not counted, but said, since the measured phase will likely see them too. */
  private static void warmUp(Load load, List<EntryMix> chains, Duration duration, PrintStream out) throws Exception {
    AppendLoad.Outcome outcome = load.run(chains, duration);
    if (outcome.failed() > 0) {
      out.println("  warm-up: " + outcome.failed() + " append(s) failed, the first with: " + outcome.firstFailure());
    }
  }

  /** Closed loop: {@code bench.inFlight} appends in flight to {@code chains} new chains; the capacity. */
  private static LedgerPhase measureLedger(LedgerUnderTest ledger, AppendLoad load, int chains,
      LedgerBenchSettings settings, PrintStream out) throws Exception {
    return measureAppends(ledger, LedgerPhase.LEDGER, chains, settings.inFlight(),
        (mixes, duration) -> load.run(mixes, settings.inFlight(), duration), settings, out);
  }

  /**
   * Open loop: {@code bench.rate} appends a second offered to {@code chains} new chains, latency from
   * each append's due time.
   */
  private static LedgerPhase measureOpen(LedgerUnderTest ledger, AppendLoad load, int chains,
      LedgerBenchSettings settings, PrintStream out) throws Exception {
    return measureAppends(ledger, LedgerPhase.OPEN, chains, settings.openRate(),
        (mixes, duration) -> load.runOpen(mixes, settings.openRate(), duration), settings, out);
  }

  /** {@code load} on {@code chains} new chains (warm-up, then measured), then verifies every one of them. */
  private static LedgerPhase measureAppends(LedgerUnderTest ledger, String kind, int chains, int inFlightOrRate,
      Load load, LedgerBenchSettings settings, PrintStream out) throws Exception {
    List<EntryMix> mixes = newChains(chains);
    if (!settings.warmUp().isZero()) {
      warmUp(load, mixes, settings.warmUp(), out);
    }
    ledger.statementsSinceLastReading(1);
    PhaseCounters before = ledger.counters();
    LedgerLoopCpu loopsBefore = LedgerLoopCpu.now();
    AppendLoad.Outcome appended = load.run(mixes, settings.measure());
    LedgerLoopCpu loopsAfter = LedgerLoopCpu.now();
    PhaseCounters during = before.until(ledger.counters());
    out.println("  " + kind + ", " + chains + " chain(s): " + loopsBefore.perEntrySince(loopsAfter, appended.answered()));
    out.print(ledger.statementsSinceLastReading(appended.answered()));
    if (appended.failed() > 0) {
      out.println("  " + appended.failed() + " append(s) failed, the first with: " + appended.firstFailure());
    }
    if (appended.notSent() > 0) {
      out.printf(Locale.ROOT, "  %s, %d chain(s): the ledger fell more than a second behind the offered rate; %,d "
          + "appends were not offered%n", kind, chains, appended.notSent());
    }
    long broken = verifyWrittenChains(ledger, mixes, out);
    return LedgerPhase.measured(ledger.durability().label(), kind, chains, inFlightOrRate, appended.answered(),
        appended.elapsed(), appended.p50Millis(), appended.p99Millis(), appended.failed() + broken, during);
  }

  /**
   * As many transactions in flight as the ledger's pipelined group commit allows ({@link
   * LedgerVerticle#PIPELINE_DEPTH} per chain), each inserting {@code batch} rows (warm-up, then
   * measured).
   */
  private static LedgerPhase measureBaseline(LedgerUnderTest ledger, InsertBaseline baseline, int chains, int batch,
      LedgerBenchSettings settings, PrintStream out) throws Exception {
    int writers = chains * LedgerVerticle.PIPELINE_DEPTH;
    if (!settings.warmUp().isZero()) {
      baseline.run(writers, batch, settings.warmUp());
    }
    ledger.statementsSinceLastReading(1);
    PhaseCounters before = ledger.counters();
    LedgerLoopCpu loopsBefore = LedgerLoopCpu.now();
    InsertBaseline.Outcome inserted = baseline.run(writers, batch, settings.measure());
    LedgerLoopCpu loopsAfter = LedgerLoopCpu.now();
    PhaseCounters during = before.until(ledger.counters());
    out.println("  baseline, " + chains + " chain(s): " + loopsBefore.perEntrySince(loopsAfter, inserted.rows()));
    out.print(ledger.statementsSinceLastReading(inserted.rows()));
    if (inserted.failedTransactions() > 0) {
      out.println("  " + inserted.failedTransactions() + " baseline transaction(s) failed, the first with: "
          + inserted.firstFailure());
    }
    return LedgerPhase.measured(ledger.durability().label(), LedgerPhase.BASELINE, chains, writers, inserted.rows(),
        inserted.elapsed(), inserted.p50Millis(), inserted.p99Millis(), inserted.failedTransactions(), during);
  }

  /**
   * Signs and verifies every chain a phase wrote: group commit under load must leave each one whole.
   * The number of chains that did not verify.
   */
  private static long verifyWrittenChains(LedgerUnderTest ledger, List<EntryMix> mixes, PrintStream out)
      throws Exception {
    LedgerVerifier verifier = new LedgerVerifier(ledger.appUrl(), ledger.signer());
    long broken = 0;
    for (EntryMix mix : mixes) {
      Optional<Checkpoint> checkpoint = Await.result(ledger.checkpoints().signNow(mix.tenantId()), SIGN_LIMIT);
      VerifyReport report = verifier.verify(mix.tenantId(), checkpoint);
      if (!report.ok() || checkpoint.isEmpty()) {
        broken++;
        out.println("  chain of tenant " + mix.tenantId() + " does not verify: " + report.toJson().encode());
      }
    }
    return broken;
  }

  /**
   * The server the long chain is verified on: the durable one when it runs, since it runs the settings
   * recommended for a node (a chain of 1,000,000 entries is about 700 MB, which the fsync off server's
   * 128 MB of shared buffers would make PostgreSQL read through the kernel's page cache, page by page,
   * on every verification), else the only one.
   */
  static Durability verifyServer(List<Durability> servers) {
    return servers.contains(Durability.DURABLE) ? Durability.DURABLE : servers.get(0);
  }

  /**
   * Bulk-loads a long chain, signs its head and times its verification, printing the CPU each run
   * cost PostgreSQL and this JVM per entry (where /proc shows them). The verifier reads over the
   * server's Unix-domain socket as a node's would, or over TCP with {@code -Dbench.verifyOverTcp=true}
   * (to compare the two).
   */
  private static List<LedgerPhase> verifyLongChain(LedgerUnderTest ledger, LedgerBenchSettings settings,
      PrintStream out) throws Exception {
    String server = ledger.durability().label();
    BulkChain.Built chain = BulkChain.build(ledger.ownerConnection(), UUID.randomUUID(), settings.verifyEntries());
    Checkpoint checkpoint = Await.result(ledger.checkpoints().signNow(chain.tenantId()), SIGN_LIMIT)
        .orElseThrow(() -> new IllegalStateException("the bulk-loaded chain has no head to sign"));
    out.printf(Locale.ROOT, "  %s: %,d-entry chain sealed and copied in %.1f s, vacuumed in %.1f s, signed at seq %,d%n",
        server, chain.entries(), chain.copying().toMillis() / 1e3, chain.vacuuming().toMillis() / 1e3,
        checkpoint.seq());
    boolean overTcp = SystemProperties.booleanProperty("bench.verifyOverTcp", false);
    LedgerVerifier verifier = overTcp ? new LedgerVerifier(ledger.appUrl(), ledger.signer(), List.of())
        : new LedgerVerifier(ledger.appUrl(), ledger.signer());
    Optional<PostgresCpuClock> serverClock = PostgresCpuClock.of(ledger.ownerConnection());
    out.println("  " + server + ": before verifying, waited " + ledger.awaitAutovacuumIdle(AUTOVACUUM_LIMIT));
    serverClock.ifPresent(clock -> out.println("  " + server + ": PostgreSQL's malloc tuning: " + clock.mallocTuning()
        + " (docs/BENCHMARKS.md, \"Recommended PostgreSQL settings\")"));
    for (int warmUp = 1; warmUp <= settings.verifyWarmUps(); warmUp++) {
      long start = System.nanoTime();
      VerifyReport report = verifier.verify(chain.tenantId(), Optional.of(checkpoint));
      out.printf(Locale.ROOT, "  %s: warm-up verification %d (not counted), %,d entries in %.2f s, %s%n", server, warmUp,
          report.entries(), (System.nanoTime() - start) / 1e9, report.ok() ? "ok" : "NOT OK");
    }
    List<LedgerPhase> runs = new ArrayList<>();
    for (int run = 1; run <= settings.verifyRuns(); run++) {
      PhaseCounters before = ledger.counters();
      long serverBefore = serverClock.isPresent() ? serverClock.get().millis() : 0;
      long jvmBefore = jvmCpuMillis();
      long start = System.nanoTime();
      VerifyReport report = verifier.verify(chain.tenantId(), Optional.of(checkpoint));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      long jvm = jvmCpuMillis() - jvmBefore;
      if (serverClock.isPresent()) {
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "  %s: verification %d over %s, %,d entries in %.2f s; CPU per entry: PostgreSQL %.2f µs, "
                + "this JVM %.2f µs (1,000,000 entries/s leaves %d µs on %d cores)%n", server, run,
            verifier.lastTransport() == LedgerVerifier.Transport.UNIX_SOCKET ? "the Unix-domain socket" : "TCP",
            report.entries(),
            elapsed.toMillis() / 1e3, (serverClock.get().millis() - serverBefore) * 1e3 / report.entries(),
            jvm * 1e3 / report.entries(), cores, cores);
      }
      boolean whole = report.ok() && report.entries() == chain.entries() && report.headSeq() == checkpoint.seq();
      if (!whole) {
        out.println("  verification " + run + " did not pass: " + report.toJson().encode());
      }
      PhaseCounters during = before.until(ledger.counters());
      runs.add(new LedgerPhase(server, LedgerPhase.VERIFY, 1, 1, report.entries(), elapsed, 0, Double.NaN,
          Double.NaN, whole ? 0 : 1, during.checkpoints(), during.jitMillis()));
    }
    return runs;
  }

  /** CPU time this JVM has used so far, all threads (JIT and GC included). */
  private static long jvmCpuMillis() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
  }

  /** The 1-minute load average, which tells whether other work shared the machine. */
  private static String loadAverage() {
    return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static List<EntryMix> newChains(int count) {
    List<EntryMix> mixes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      mixes.add(new EntryMix(UUID.randomUUID(), i));
    }
    return mixes;
  }
}

package io.keyway.bench;

import static io.keyway.bench.SystemProperties.intProperty;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one {@link LedgerBench} run does, read from {@code -Dbench.*} system properties. Every value
 * is bounded, so a run always stops by itself.
 *
 * @param measure how long each measured phase runs ({@code bench.seconds}, 1-300, default 10)
 * @param warmUp unmeasured load before each measured phase, on the same chains ({@code
 *     bench.warmupSeconds}, 0-60, default 3)
 * @param jitWarmUp unmeasured ledger load on each server before its first phase, on chains of their
 *     own ({@code bench.jitWarmupSeconds}, 0-120, default 20: on 2 shared cores the JIT was still
 *     compiling for 10 s of every 10 after an 8 s warm-up)
 * @param inFlight appends in flight at once, closed loop ({@code bench.inFlight}, 1-4096, default 256)
 * @param openRate appends offered a second in the open-loop phases, whatever the answers ({@code
 *     bench.rate}, 100-200,000, default 20,000: the throughput target, at which its p99 is judged)
 * @param tenants chains in the several-chains phases ({@code bench.tenants}, 2-64, default 4)
 * @param poolSize connections of the runtime pool ({@code bench.poolSize}, 1-64, default 8)
 * @param verifyEntries length of the chain whose verification is timed ({@code bench.verifyEntries},
 *     1,000-10,000,000, default 1,000,000)
 * @param verifyWarmUps verifications of that chain before the timed ones, not counted ({@code
 *     bench.verifyWarmupRuns}, 0-3, default 2: every other phase has a warm-up, and the JIT was still
 *     compiling the verifier for 0.7-1.3 s of the verification after one of ~1 s)
 * @param verifyRuns how many times that chain is verified and timed ({@code bench.verifyRuns}, 1-5, default 2)
 * @param servers which PostgreSQL servers are measured, in order ({@code bench.servers}: {@code both}
 *     (default), {@code fsync-off} or {@code durable})
 */
record LedgerBenchSettings(
    Duration measure,
    Duration warmUp,
    Duration jitWarmUp,
    int inFlight,
    int openRate,
    int tenants,
    int poolSize,
    int verifyEntries,
    int verifyWarmUps,
    int verifyRuns,
    List<Durability> servers) {

  /** Chain counts of the measured scenarios: one tenant's chain, then several tenants' chains. */
  List<Integer> chainCounts() {
    return List.of(1, tenants);
  }

  static LedgerBenchSettings fromSystemProperties() {
    return new LedgerBenchSettings(
        Duration.ofSeconds(intProperty("bench.seconds", 10, 1, 300)),
        Duration.ofSeconds(intProperty("bench.warmupSeconds", 3, 0, 60)),
        Duration.ofSeconds(intProperty("bench.jitWarmupSeconds", 20, 0, 120)),
        intProperty("bench.inFlight", 256, 1, 4096),
        intProperty("bench.rate", 20_000, 100, 200_000),
        intProperty("bench.tenants", 4, 2, 64),
        intProperty("bench.poolSize", 8, 1, 64),
        intProperty("bench.verifyEntries", 1_000_000, 1_000, 10_000_000),
        intProperty("bench.verifyWarmupRuns", 2, 0, 3),
        intProperty("bench.verifyRuns", 2, 1, 5),
        servers(System.getProperty("bench.servers", "both")));
  }

  /**
   * Load time on each server: the JIT warm-up, then a ledger, a baseline and an open-loop phase per
   * chain count (not counting the time an open-loop phase takes to drain when the ledger falls behind).
   */
  Duration plannedLoadTimePerServer() {
    return jitWarmUp.plus(measure.plus(warmUp).multipliedBy(3L * chainCounts().size()));
  }

  static List<Durability> servers(String raw) {
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "both" -> List.of(Durability.FSYNC_OFF, Durability.DURABLE);
      case "fsync-off" -> List.of(Durability.FSYNC_OFF);
      case "durable" -> List.of(Durability.DURABLE);
      default -> throw new IllegalArgumentException(
          "-Dbench.servers must be both, fsync-off or durable (got '" + raw + "')");
    };
  }
}

package io.keyway.bench;

import static io.keyway.bench.SystemProperties.booleanProperty;
import static io.keyway.bench.SystemProperties.intProperty;

import java.time.Duration;
import java.util.Locale;

/**
 * What one benchmark run does, read from {@code -Dbench.*} system properties. Every value is
 * bounded, so a run always stops by itself, and the whole run must fit in one access token's
 * lifetime, since the benchmark signs in once.
 *
 * @param measure how long each measured phase runs ({@code bench.seconds}, 1-300, default 10)
 * @param jitWarmUp unmeasured load on each endpoint once, before the first round, so the JIT has
 *     compiled both paths before anything counts ({@code bench.jitWarmupSeconds}, 0-120, default 10)
 * @param warmUp the unmeasured load before each measured phase ({@code bench.warmupSeconds}, 0-60, default 3)
 * @param rounds how many times the pair (health, me) is measured ({@code bench.rounds}, 1-10, default 3)
 * @param connections open connections, the same for every phase ({@code bench.connections}, 1-1000, default 32)
 * @param threads load generator threads: wrk threads, or the Java generator's event loops
 *     ({@code bench.threads}, 1-8, default 1)
 * @param generator {@code auto} (wrk when installed, else the Java generator), {@code wrk} or {@code java}
 * @param instances HTTP verticle instances of the node ({@code bench.instances}, 1-64, default 2)
 * @param accessLog whether the gateway's per-request access log stays on ({@code bench.accessLog}, default true);
 *     when on it is formatted and written as usual, but to /dev/null, never to the terminal
 */
record BenchSettings(
    Duration measure,
    Duration jitWarmUp,
    Duration warmUp,
    int rounds,
    int connections,
    int threads,
    Generator generator,
    int instances,
    boolean accessLog) {

  /** Which load generator drives the phases. */
  enum Generator { AUTO, WRK, JAVA }

  /** The access token lifetime the node is configured with, and so the longest possible run. */
  static final Duration ACCESS_TOKEN_TTL = Duration.ofSeconds(900);

  static BenchSettings fromSystemProperties() {
    int connections = intProperty("bench.connections", 32, 1, 1000);
    BenchSettings settings = new BenchSettings(
        Duration.ofSeconds(intProperty("bench.seconds", 10, 1, 300)),
        Duration.ofSeconds(intProperty("bench.jitWarmupSeconds", 10, 0, 120)),
        Duration.ofSeconds(intProperty("bench.warmupSeconds", 3, 0, 60)),
        intProperty("bench.rounds", 3, 1, 10),
        connections,
        Math.min(connections, intProperty("bench.threads", 1, 1, 8)),
        generator(System.getProperty("bench.generator", "auto")),
        intProperty("bench.instances", 2, 1, 64),
        booleanProperty("bench.accessLog", true));
    Duration load = settings.plannedLoadTime(AuthLoadBench.ENDPOINTS);
    if (load.compareTo(ACCESS_TOKEN_TTL.minusSeconds(60)) > 0) {
      throw new IllegalArgumentException("the run would last " + load.toSeconds() + " s of load, longer than the "
          + ACCESS_TOKEN_TTL.toSeconds() + " s access token (less a minute of margin): lower bench.seconds, "
          + "bench.rounds or the warm-ups");
    }
    return settings;
  }

  /** The whole run's load time with {@code endpoints} endpoints, for the line printed at start. */
  Duration plannedLoadTime(int endpoints) {
    return jitWarmUp.multipliedBy(endpoints).plus(measure.plus(warmUp).multipliedBy((long) endpoints * rounds));
  }

  private static Generator generator(String raw) {
    try {
      return Generator.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-Dbench.generator must be auto, wrk or java (got '" + raw + "')");
    }
  }
}

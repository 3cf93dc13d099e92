package io.keyway.bench;

import static io.keyway.bench.SystemProperties.booleanProperty;
import static io.keyway.bench.SystemProperties.intProperty;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link VaultBench} run does, read from {@code -Dbench.*} system properties. Every value
 * is bounded, so a run always stops by itself.
 *
 * @param measure how long each measured resolve phase runs ({@code bench.seconds}, 1-300, default 10)
 * @param decryptMeasure how long each measured bare decrypt phase runs ({@code bench.decryptSeconds},
 *     1-120, default 5)
 * @param warmUp unmeasured load before every measured phase ({@code bench.warmupSeconds}, 0-60, default 3)
 * @param jitWarmUp unmeasured resolves, then unmeasured decrypts, once before round 1, so the JIT has
 *     compiled both paths before anything counts ({@code bench.jitWarmupSeconds}, 0-120, default 10)
 * @param rounds how many times (resolve, decrypt on 1 thread, decrypt on 2 threads) is measured
 *     ({@code bench.rounds}, 1-10, default 3)
 * @param inFlight resolves in flight at once, closed loop ({@code bench.inFlight}, 1-4096, default 128)
 * @param rate resolves scheduled per second in the open-loop phase the resolve target is judged on
 *     ({@code bench.rate}, 1-200,000, default 20,000)
 * @param headroomRate a second open-loop phase at a higher rate, to show headroom
 *     ({@code bench.headroomRate}, 0-200,000, default 25,000; 0 leaves it out)
 * @param credentials credentials linked before the run ({@code bench.credentials}, 1-100,000, default 1,000)
 * @param tenants tenants they belong to ({@code bench.tenants}, 1-1,000, default 10)
 * @param users users they belong to, spread evenly over the tenants ({@code bench.users}, 1-10,000,
 *     default 100); credentials must be a multiple of users, and users a multiple of tenants
 * @param poolSize connections of the runtime pool ({@code bench.poolSize}, 1-64, default 8, a node's
 *     default {@code KEYWAY_DB_POOL_SIZE})
 * @param flushesInFlight flushes of batched resolves the vault reads at once
 *     ({@code bench.flushesInFlight}, 1-16, default {@link io.keyway.vault.VaultVerticle#FLUSHES_IN_FLIGHT}, a
 *     node's; for comparing settings in one session)
 * @param pooledReads the vault reads credentials through the runtime pool, as before its pipelined
 *     client existed, instead of its own pipelined client ({@code bench.pooledReads}, default false;
 *     for comparing the two in one session)
 * @param vaultPerLoop the vault is deployed as a node deploys it, one instance on every event loop, and
 *     the callers are answered by the one on their own loop ({@code bench.vaultPerLoop}, default true);
 *     false deploys one instance, on another loop than the callers', as before session 5
 * @param nativeTransport Vert.x prefers Netty's native epoll transport, as a node does ({@code
 *     bench.nativeTransport}, default true); false runs the JDK's NIO transport
 */
record VaultBenchSettings(
    Duration measure,
    Duration decryptMeasure,
    Duration warmUp,
    Duration jitWarmUp,
    int rounds,
    int inFlight,
    int rate,
    int headroomRate,
    int credentials,
    int tenants,
    int users,
    int poolSize,
    int flushesInFlight,
    boolean pooledReads,
    boolean vaultPerLoop,
    boolean nativeTransport) {

  /** The thread counts of the bare decrypt phases, in the order measured. */
  static final int[] DECRYPT_THREADS = {1, 2};

  VaultBenchSettings {
    if (users % tenants != 0) {
      throw new IllegalArgumentException("-Dbench.users (" + users + ") must be a multiple of -Dbench.tenants ("
          + tenants + ")");
    }
    if (credentials % users != 0) {
      throw new IllegalArgumentException("-Dbench.credentials (" + credentials + ") must be a multiple of "
          + "-Dbench.users (" + users + ")");
    }
  }

  static VaultBenchSettings fromSystemProperties() {
    return new VaultBenchSettings(
        Duration.ofSeconds(intProperty("bench.seconds", 10, 1, 300)),
        Duration.ofSeconds(intProperty("bench.decryptSeconds", 5, 1, 120)),
        Duration.ofSeconds(intProperty("bench.warmupSeconds", 3, 0, 60)),
        Duration.ofSeconds(intProperty("bench.jitWarmupSeconds", 10, 0, 120)),
        intProperty("bench.rounds", 3, 1, 10),
        intProperty("bench.inFlight", 128, 1, 4096),
        intProperty("bench.rate", 20_000, 1, 200_000),
        intProperty("bench.headroomRate", 25_000, 0, 200_000),
        intProperty("bench.credentials", 1_000, 1, 100_000),
        intProperty("bench.tenants", 10, 1, 1_000),
        intProperty("bench.users", 100, 1, 10_000),
        intProperty("bench.poolSize", 8, 1, 64),
        intProperty("bench.flushesInFlight", io.keyway.vault.VaultVerticle.FLUSHES_IN_FLIGHT, 1, 16),
        booleanProperty("bench.pooledReads", false),
        booleanProperty("bench.vaultPerLoop", true),
        booleanProperty("bench.nativeTransport", true));
  }

  /** The open-loop rates measured in each round, in order. */
  List<Integer> openRates() {
    return headroomRate == 0 ? List.of(rate) : List.of(rate, headroomRate);
  }

  /** The whole run's load time, for the line printed at start. */
  Duration plannedLoadTime() {
    Duration decryptPhases = warmUp.plus(decryptMeasure).multipliedBy(DECRYPT_THREADS.length);
    Duration resolvePhases = warmUp.plus(measure).multipliedBy(1 + openRates().size());
    return jitWarmUp.multipliedBy(2).plus(resolvePhases.plus(decryptPhases).multipliedBy(rounds));
  }
}

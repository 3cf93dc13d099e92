package io.keyway.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * What one measured phase of {@link VaultBench} saw.
 *
 * @param kind {@link #RESOLVE} (closed loop), {@link #OPEN} (open loop) or {@link #DECRYPT}
 * @param round 1, 2…; 0 for every round together
 * @param concurrency resolves in flight (resolve), resolves scheduled per second (open), threads
 *     (decrypt)
 * @param operations resolves answered with their plaintext (resolve, open), credentials opened (decrypt)
 * @param elapsed from the first call until the last answer of the phase
 * @param p50Millis median latency of one resolve, from the request (open: from when it was due to be
 *     sent) until the reply is in the caller's hands; NaN for decrypt (a tight loop, not timed call
 *     by call)
 * @param p99Millis the 99th percentile of the same
 * @param p999Millis the 99.9th percentile of the same
 * @param touches last-use records the store wrote in the phase (resolve), each one transaction of its
 *     own; 0 for decrypt
 * @param late resolves the open loop sent more than one timer period after they were due (the
 *     callers' loop or the machine fell behind; their latency still counts from when they were due);
 *     0 otherwise
 * @param errors resolves that failed (decrypt never fails: an integrity failure stops the run)
 * @param cpu where the CPU went during the phase, where it can be measured ({@link VaultCpuMeter})
 */
record VaultPhase(
    String kind,
    int round,
    int concurrency,
    long operations,
    Duration elapsed,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    long touches,
    long late,
    long errors,
    Optional<VaultCpuMeter.Usage> cpu) {

  static final String RESOLVE = "resolve";
  static final String OPEN = "open";
  static final String DECRYPT = "decrypt";

  double operationsPerSecond() {
    return elapsed.isZero() ? 0 : operations / (elapsed.toNanos() / 1e9);
  }

  /** Closed or open loop: resolves, timed one by one. */
  boolean isResolve() {
    return !kind.equals(DECRYPT);
  }

  /** CPU time of this JVM per operation, in microseconds (a resolve's includes its caller's share). */
  Optional<Double> jvmMicrosPerOperation() {
    return cpu.map(u -> perOperation(u.jvm()));
  }

  /** CPU time of PostgreSQL per operation, in microseconds. */
  Optional<Double> postgresMicrosPerOperation() {
    return cpu.map(u -> perOperation(u.postgres()));
  }

  /** Voluntary context switches (sleeps, each followed by a wake-up) of this JVM and of PostgreSQL per operation. */
  Optional<double[]> sleepsPerOperation() {
    return cpu.map(u -> new double[] {perOperation(u.jvmSleeps()) / 1e6, perOperation(u.postgresSleeps()) / 1e6});
  }

  private double perOperation(double cores) {
    double rate = operationsPerSecond();
    return rate == 0 ? Double.NaN : cores * 1e6 / rate;
  }
}

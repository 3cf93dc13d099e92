package io.keyway.bench;

import java.time.Duration;

/**
 * What one measured phase saw. Every completed response counts in {@code requests}; those whose
 * status was not 200 are also counted in {@code non200}. Requests that got no response at all
 * (connect, read or write failures, timeouts) are {@code ioErrors}.
 */
record PhaseResult(
    String phase,
    int round,
    long requests,
    Duration elapsed,
    double p50Millis,
    double p99Millis,
    long non200,
    long ioErrors) {

  double requestsPerSecond() {
    return elapsed.isZero() ? 0 : requests / (elapsed.toNanos() / 1e9);
  }

  long errors() {
    return non200 + ioErrors;
  }
}

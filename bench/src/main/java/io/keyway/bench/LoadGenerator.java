package io.keyway.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * A closed-loop load generator: a fixed number of connections, each sending its next request as
 * soon as the previous answer arrived, for a bounded time. Blocking; call it from the main thread.
 */
interface LoadGenerator extends AutoCloseable {

  /** A short description for the report (tool, connections, threads). */
  String describe();

  /** Loads {@code target} for {@code duration} and reports what was measured. */
  PhaseResult run(LoadTarget target, int round, Duration duration) throws Exception;

  @Override
  default void close() throws IOException {}
}

package io.keyway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points Logback at logback-bench.xml (unless {@code -Dlogback.configurationFile} chose another), so
 * the server side logs to a temporary file and the terminal shows only the report. Must run before
 * the first logger is created, which is why the benchmarks' main classes have none.
 */
final class BenchLogging {
  private BenchLogging() {}

  /** The file the server's log goes to. */
  static Path routeServerLogToFile(boolean accessLog) throws IOException {
    Path serverLog = Files.createTempFile("keyway-bench-server-", ".log");
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    System.setProperty("bench.serverLogFile", serverLog.toString());
    System.setProperty("bench.accessLogLevel", accessLog ? "INFO" : "WARN");
    return serverLog;
  }

  /** One benchmark run, given the file its server logs to; answers the exit status. */
  interface Run {
    int run(Path serverLog) throws Exception;
  }

  /**
   * Routes the server log to a file, runs, and exits with the run's status: 2 when it could not be set
   * up or failed, naming the server log.
   */
  static void runThenExit(Run run) {
    int exitStatus;
    Path serverLog = null;
    try {
      serverLog = routeServerLogToFile(false);
      exitStatus = run.run(serverLog);
    } catch (Exception e) {
      System.out.flush();
      System.err.println("benchmark failed: " + e);
      if (serverLog != null) {
        System.err.println("server log: " + serverLog);
      }
      exitStatus = 2;
    }
    System.exit(exitStatus);
  }
}

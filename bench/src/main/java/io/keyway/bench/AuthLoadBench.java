package io.keyway.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Load benchmark of authentication: the same node, client, concurrency and duration against
 * {@code GET /health} (no authentication) and {@code GET /api/account/me} (bearer access token),
 * alternating health, me, health, me… with a warm-up before every measured phase, so whatever
 * noise the machine has lands on both. Prints one table to stdout; see docs/BENCHMARKS.md.
 *
 * <p>Exit status: 0 when every request answered 200, 1 when any did not (or failed outright),
 * 2 when the run could not be set up.
 */
public final class AuthLoadBench {
  static final String HEALTH = "health";
  static final String ME = "me";
  static final int ENDPOINTS = 2;

  private AuthLoadBench() {}

  public static void main(String[] args) throws Exception {
    BenchSettings settings = BenchSettings.fromSystemProperties();
    Path serverLog = BenchLogging.routeServerLogToFile(settings.accessLog());
    int exitStatus;
    try {
      exitStatus = run(settings, serverLog, System.out);
    } catch (Exception e) {
      System.out.flush();
      System.err.println("benchmark failed: " + e);
      System.err.println("server log: " + serverLog);
      exitStatus = 2;
    }
    System.exit(exitStatus);
  }

  /** Starts the node, measures, prints the table and stops everything; the exit status. */
  static int run(BenchSettings settings, Path serverLog, PrintStream out) throws Exception {
    BenchUser user = BenchUser.random();
    out.println("Keyway auth load benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.println("server log: " + serverLog + (settings.accessLog() ? " (access log on, written to /dev/null)"
        : " (access log off)"));
    try (GatewayUnderTest gateway = GatewayUnderTest.start(settings.instances(), user);
         LoadGenerator generator = chooseGenerator(settings)) {
      SetupClient setup = new SetupClient(GatewayUnderTest.HOST, gateway.httpPort());
      String accessToken = setup.login(user);
      LoadTarget health = new LoadTarget(HEALTH, GatewayUnderTest.HOST, gateway.httpPort(), "/health", Optional.empty());
      LoadTarget me = new LoadTarget(ME, GatewayUnderTest.HOST, gateway.httpPort(), "/api/account/me",
          Optional.of(accessToken));
      setup.requireOk(health);
      setup.requireOk(me);
      out.println("node: 127.0.0.1:" + gateway.httpPort() + ", " + settings.instances() + " HTTP instance(s)");
      out.println("load: " + generator.describe());
      out.println("plan: " + settings.jitWarmUp().toSeconds() + " s JIT warm-up per endpoint, then "
          + settings.rounds() + " round(s) of (health, me), each phase " + settings.warmUp().toSeconds()
          + " s warm-up + " + settings.measure().toSeconds() + " s measured ("
          + settings.plannedLoadTime(ENDPOINTS).toSeconds() + " s of load in all)");
      out.println();
      List<PhaseResult> results = measureAlternating(generator, settings, List.of(health, me));
      ResultTable.Summary summary = ResultTable.print(out, results, HEALTH, ME);
      out.flush();
      return summary.anyErrors() ? 1 : 0;
    }
  }

  /**
   * A JIT warm-up of every target (discarded), then for each round, each target: a warm-up
   * (discarded) and the measured phase.
   */
  static List<PhaseResult> measureAlternating(LoadGenerator generator, BenchSettings settings,
      List<LoadTarget> targets) throws Exception {
    if (!settings.jitWarmUp().isZero()) {
      for (LoadTarget target : targets) {
        generator.run(target, 0, settings.jitWarmUp());
      }
    }
    List<PhaseResult> results = new ArrayList<>();
    for (int round = 1; round <= settings.rounds(); round++) {
      for (LoadTarget target : targets) {
        if (!settings.warmUp().isZero()) {
          generator.run(target, round, settings.warmUp());
        }
        results.add(generator.run(target, round, settings.measure()));
      }
    }
    return results;
  }

  private static LoadGenerator chooseGenerator(BenchSettings settings) throws Exception {
    Optional<Path> wrk = WrkLoadGenerator.findExecutable();
    return switch (settings.generator()) {
      case WRK -> WrkLoadGenerator.create(
          wrk.orElseThrow(() -> new IllegalStateException("-Dbench.generator=wrk but wrk is not on the PATH")),
          settings.connections(), settings.threads());
      case JAVA -> VertxLoadGenerator.create(settings.connections(), settings.threads());
      case AUTO -> wrk.isPresent()
          ? WrkLoadGenerator.create(wrk.get(), settings.connections(), settings.threads())
          : VertxLoadGenerator.create(settings.connections(), settings.threads());
    };
  }
}

package io.keyway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives <a href="https://github.com/wg/wrk">wrk</a> as a subprocess, one run per phase, with a
 * Lua script that sets the bearer header and counts every non-200. wrk keeps its connections open
 * (HTTP/1.1 keep-alive) and measures latency per request in microseconds.
 */
final class WrkLoadGenerator implements LoadGenerator {
  private static final String SCRIPT_RESOURCE = "/wrk-phase.lua";
  private static final String RESULT_PREFIX = "KEYWAY_RESULT ";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final Path executable;
  private final Path script;
  private final int connections;
  private final int threads;

  private WrkLoadGenerator(Path executable, Path script, int connections, int threads) {
    this.executable = executable;
    this.script = script;
    this.connections = connections;
    this.threads = threads;
  }

  /** wrk from the {@code PATH}, when installed. */
  static Optional<Path> findExecutable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "wrk");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static WrkLoadGenerator create(Path executable, int connections, int threads) throws IOException {
    Path script = Files.createTempFile("keyway-bench-", ".lua");
    try (InputStream in = WrkLoadGenerator.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IOException(SCRIPT_RESOURCE + " missing from the jar");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return new WrkLoadGenerator(executable, script, connections, threads);
  }

  @Override
  public String describe() {
    return "wrk (" + executable + "), " + connections + " connections, " + threads + " thread(s)";
  }

  @Override
  public PhaseResult run(LoadTarget target, int round, Duration duration) throws IOException, InterruptedException {
    List<String> command = List.of(executable.toString(),
        "-t", Integer.toString(threads),
        "-c", Integer.toString(connections),
        "-d", duration.toSeconds() + "s",
        "--timeout", REQUEST_TIMEOUT.toSeconds() + "s",
        "-s", script.toString(),
        target.url());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove("KEYWAY_BENCH_AUTHORIZATION");
    target.authorization().ifPresent(header -> env.put("KEYWAY_BENCH_AUTHORIZATION", header));
    Process wrk = builder.start();
    CompletableFuture<String> stdout = readAll(wrk.getInputStream());
    CompletableFuture<String> stderr = readAll(wrk.getErrorStream());
    long limitSeconds = duration.toSeconds() + REQUEST_TIMEOUT.toSeconds() + 30;
    if (!wrk.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      wrk.destroyForcibly();
      throw new IOException("wrk did not finish within " + limitSeconds + " s");
    }
    String out = stdout.join();
    if (wrk.exitValue() != 0) {
      throw new IOException("wrk exited with " + wrk.exitValue() + ": " + stderr.join() + out);
    }
    return parse(target.phase(), round, out);
  }

  static PhaseResult parse(String phase, int round, String wrkOutput) throws IOException {
    String line = wrkOutput.lines().filter(l -> l.startsWith(RESULT_PREFIX)).findFirst()
        .orElseThrow(() -> new IOException("wrk printed no result line:\n" + wrkOutput));
    Map<String, Long> fields = new HashMap<>();
    for (String pair : line.substring(RESULT_PREFIX.length()).trim().split("\\s+")) {
      int eq = pair.indexOf('=');
      fields.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
    }
    long ioErrors = fields.get("connect") + fields.get("read") + fields.get("write") + fields.get("timeout");
    return new PhaseResult(phase, round, fields.get("requests"), Duration.ofNanos(fields.get("duration_us") * 1000),
        fields.get("p50_us") / 1000.0, fields.get("p99_us") / 1000.0, fields.get("non200"), ioErrors);
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    });
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(script);
  }
}

package io.keyway.gateway.cluster;

import io.keyway.gateway.Api;
import io.keyway.gateway.cli.Keyway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Keyway node in a process of its own ({@code keyway serve --cluster}), so that a test can kill it
 * outright ({@code SIGKILL}) or freeze it ({@code SIGSTOP}) as a crash or a long pause would.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("Keyway is up on http://[^:]+:(\\d+)");
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final String name;

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::read, "node-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code serve --cluster} with {@code env} (KEYWAY_* settings) and waits until it listens. */
  static NodeProcess start(String name, Map<String, String> env) throws Exception {
    Path dataDir = Files.createTempDirectory("keyway-node-" + name);
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Keyway.class.getName(), "serve", "--cluster");
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWAY_"));
    pb.environment().put("KEYWAY_DATA_DIR", dataDir.toString());
    pb.environment().put("KEYWAY_HTTP_PORT", "0");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    NodeProcess node = new NodeProcess(name, pb.start());
    try {
      node.port.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException("node " + name + " did not start; its output:\n" + String.join("\n", node.lines), e);
    }
    return node;
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        Matcher m = UP.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    port.completeExceptionally(new IllegalStateException("exited"));
  }

  Api api() {
    return new Api("http://127.0.0.1:" + port.join());
  }

  String name() {
    return name;
  }

  List<String> output() {
    return List.copyOf(lines);
  }

  long pid() {
    return process.pid();
  }

  /** A crash: SIGKILL, no shutdown hook, no lease released. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A long pause (GC, VM freeze, a cut cable): SIGSTOP. */
  void freeze() throws Exception {
    signal("STOP");
  }

  void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String sig) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill -" + sig + " failed");
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        signal("CONT");
      } catch (Exception ignored) {
        // it may be gone already
      }
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}

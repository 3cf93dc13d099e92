package io.keyway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The client side of the WebSocket benchmark, in its own process: N WebSocket clients, each
 * authenticating and subscribing to its own account, then recording publish-to-receive latency from
 * the stamp {@code t} (the publisher's monotonic clock: CLOCK_MONOTONIC, shared by processes on one
 * machine) for a warm-up and a measured window. Prints {@code connected} once every client is
 * subscribed and {@code result {json}} at the end. Speaks only the /ws protocol, so the same client
 * measures Keyway and the Node.js baseline.
 *
 * <p>usage: WsBenchClient PORTS CLIENTS.json WARMUP_SECONDS SECONDS; CLIENTS.json is [{token, accountId}];
 * PORTS is one port, or several separated by commas over which the clients are spread in turn
 * (client i connects to the (i mod k)-th).
 */
public final class WsBenchClient {
  private static final boolean TIMELINE = Boolean.getBoolean("bench.ws.timeline");
  private static final int CONNECTING_AT_ONCE = 50;
  private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder[] stage = {new LongAdder(), new LongAdder(), new LongAdder()};

  /** The pipe {@link WsBench} reads this process's answers from: one "connected" line, one "result" line. */
  private final java.io.PrintStream toParent;

  private WsBenchClient(java.io.PrintStream toParent) {
    this.toParent = toParent;
  }

  public static void main(String[] args) {
    try {
      int[] ports = java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
      new WsBenchClient(System.out).run(ports, new JsonArray(Files.readString(Path.of(args[1]))),
          Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      System.exit(0);
    } catch (Exception e) {
      LoggerFactory.getLogger(WsBenchClient.class).error("The WebSocket clients failed: {}", e.toString());
      System.exit(1); // the event loops would keep the process alive
    }
  }

  private void run(int[] ports, JsonArray clients, int warmup, int seconds) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(clients.size() + 10).setConnectTimeout(60_000));
    List<WebSocket> open = new ArrayList<>();
    for (int from = 0; from < clients.size(); from += CONNECTING_AT_ONCE) {
      List<Future<WebSocket>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(clients.size(), from + CONNECTING_AT_ONCE); i++) {
        batch.add(subscribed(ws, ports[i % ports.length], clients.getJsonObject(i)));
      }
      try {
        Future.all(batch).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        LoggerFactory.getLogger(WsBenchClient.class).error(
            "Not subscribed after 120 s: {} connected, {} ready, {} subscribed of {}",
            stage[0].sum(), stage[1].sum(), stage[2].sum(), batch.size());
        throw e;
      }
      batch.forEach(f -> open.add(f.result()));
    }
    // the clients' first young collection would copy the N sockets made above (with a 1.2 GB young generation, about
    // a minute into the load, 0.5 s of pause landing on whichever server is measured then): collect once now
    System.gc();
    toParent.println("connected " + open.size());
    toParent.flush();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    latency.getIntervalHistogram();
    delivered.reset();
    long t0 = System.nanoTime();
    // the window in slices of 250 ms; with -Dbench.ws.timeline=true each slice's count, p99 and max go to
    // stderr, to see whether a tail is spread or comes in stalls
    Histogram h = null;
    long slices = TimeUnit.SECONDS.toMillis(seconds) / 250;
    for (long i = 0; i < slices; i++) {
      Thread.sleep(250);
      Histogram slice = latency.getIntervalHistogram();
      if (TIMELINE) {
        // the slice's end in wall-clock time (UTC), to line a slow slice up with the server's GC log and JFR events
        System.err.printf("slice %3d at %s: %6d pushes, p99 %7.2f ms, max %7.2f ms%n", i,
            java.time.LocalTime.now(java.time.ZoneOffset.UTC), slice.getTotalCount(),
            slice.getValueAtPercentile(99) / 1e6, slice.getMaxValue() / 1e6);
      }
      if (h == null) {
        h = slice.copy();
      } else {
        h.add(slice);
      }
    }
    long count = delivered.sum();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    toParent.println("result " + new JsonObject().put("clients", open.size()).put("perSecond", count / elapsed)
        .put("p50ms", h.getValueAtPercentile(50) / 1e6).put("p99ms", h.getValueAtPercentile(99) / 1e6)
        .put("p999ms", h.getValueAtPercentile(99.9) / 1e6).put("errors", errors.sum()).encode());
    toParent.flush();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Connects, authenticates, subscribes; completes when the subscription is confirmed. */
  private Future<WebSocket> subscribed(WebSocketClient client, int port, JsonObject c) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .compose(ws -> {
          stage[0].increment();
          var confirmed = io.vertx.core.Promise.<WebSocket>promise();
          // every frame the servers send is a single text frame; a push is read as bytes, for its stamp only
          // (no UTF-8 decoding, no JSON), so the clients' process costs both servers as little as it can
          ws.handler(data -> {
            long sent = stamp(data);
            if (sent >= 0) {
              latency.recordValue(Math.max(0, System.nanoTime() - sent));
              delivered.increment();
              return;
            }
            String text = data.toString();
            JsonObject f = new JsonObject(text);
            if ("ready".equals(f.getString("type"))) {
              stage[1].increment();
            }
            switch (f.getString("type")) {
              case "ready" -> ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("stream", "balance")
                  .put("accountId", c.getString("accountId")).encode());
              case "subscribed" -> {
                stage[2].increment();
                confirmed.tryComplete(ws);
              }
              case "balance" -> { }
              default -> {
                errors.increment();
                confirmed.tryFail(text);
              }
            }
          });
          ws.closeHandler(v -> confirmed.tryFail("closed " + ws.closeStatusCode() + " before subscribing"));
          ws.writeTextMessage(new JsonObject().put("op", "auth").put("token", c.getString("token")).encode());
          return confirmed.future();
        });
  }

  private static final byte[] PUSH = "{\"type\":\"balance\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] STAMP = "\"t\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The publisher's stamp {@code t} of a balance push (a number, or a string of digits), else -1. */
  static long stamp(Buffer frame) {
    int length = frame.length();
    if (length < PUSH.length || !startsWith(frame, 0, PUSH)) {
      return -1;
    }
    int at = length - STAMP.length;
    while (at >= 0 && !startsWith(frame, at, STAMP)) {
      at--;
    }
    if (at < 0) {
      return -1;
    }
    long v = 0;
    boolean digits = false;
    for (int i = at + STAMP.length; i < length; i++) {
      char ch = (char) frame.getByte(i);
      if (ch >= '0' && ch <= '9') {
        v = v * 10 + (ch - '0');
        digits = true;
      } else if (ch != '"' || digits) {
        break;
      }
    }
    return digits ? v : -1;
  }

  private static boolean startsWith(Buffer frame, int at, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}

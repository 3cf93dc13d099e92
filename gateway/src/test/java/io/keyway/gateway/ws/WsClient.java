package io.keyway.gateway.ws;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real Vert.x WebSocket client of {@code /ws} for tests: every frame it receives, and how it closed. */
public final class WsClient implements AutoCloseable {
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Short> closed = new CompletableFuture<>();

  private WsClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(t -> {
      JsonObject f = new JsonObject(t);
      received.add(f);
      inbox.add(f);
    });
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  /** Connects (with an {@code Origin} header unless null); fails as the handshake does. */
  public static WsClient connect(Vertx vertx, int port, String origin, int receiveBuffer) throws Exception {
    var options = new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22);
    if (receiveBuffer > 0) {
      options.setReceiveBufferSize(receiveBuffer);
    }
    var connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (origin != null) {
      connect.addHeader("Origin", origin).setAllowOriginHeader(true);
    }
    return vertx.createWebSocketClient(options).connect(connect).map(WsClient::new)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static WsClient connect(Vertx vertx, int port) throws Exception {
    return connect(vertx, port, null, 0);
  }

  /** Connects and authenticates; the {@code ready} frame is consumed. */
  public static WsClient ready(Vertx vertx, int port, String token) throws Exception {
    return ready(vertx, port, token, 0);
  }

  /** As {@link #ready(Vertx, int, String)}, with a small TCP receive buffer for a slow reader. */
  public static WsClient ready(Vertx vertx, int port, String token, int receiveBuffer) throws Exception {
    WsClient c = connect(vertx, port, null, receiveBuffer);
    c.send(new JsonObject().put("op", "auth").put("token", token));
    JsonObject r = c.next(Duration.ofSeconds(10));
    if (!"ready".equals(r.getString("type"))) {
      throw new IllegalStateException("not ready: " + r);
    }
    return c;
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  public void sendBinary(byte[] bytes) {
    ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(bytes));
  }

  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /** The next frame, or an AssertionError after {@code timeout}. */
  public JsonObject next(Duration timeout) throws InterruptedException {
    JsonObject f = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (f == null) {
      throw new AssertionError("no frame within " + timeout);
    }
    return f;
  }

  /** Skips frames until one matches (pushes may arrive between answers). */
  public JsonObject await(Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject f = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
      if (f == null) {
        throw new AssertionError("no matching frame within " + timeout + "; received " + received.size()
            + (closed.isDone() ? "; closed " + closed.getNow(null) : ""));
      }
      if (match.test(f)) {
        return f;
      }
    }
  }

  public JsonObject subscribe(String stream, String accountId) throws InterruptedException {
    JsonObject op = new JsonObject().put("op", "subscribe").put("stream", stream);
    if (accountId != null) {
      op.put("accountId", accountId);
    }
    send(op);
    return await(f -> "subscribed".equals(f.getString("type")) || "error".equals(f.getString("type")),
        Duration.ofSeconds(10));
  }

  public short closeCode(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ws.close();
  }
}

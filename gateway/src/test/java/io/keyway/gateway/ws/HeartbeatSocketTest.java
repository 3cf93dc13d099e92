package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.ConfigKeys;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.http.OriginPolicy;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.http.TradingActions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The heartbeat of {@code /ws} on real sockets: the server pings every period, a client's pongs keep it
 * open, and a socket from which nothing arrives for the idle timeout is closed 1001. The node's own
 * settings (a ping every 20 s, 60 s of silence) are too slow for a test, so each test mounts the real
 * endpoint, with the node's services, on a server of its own with short settings. The client is the
 * JDK's, which shows every ping it gets and answers it with a pong by itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeartbeatSocketTest {
  @RegisterExtension static final GatewayExtension GATEWAY =
      new GatewayExtension(Map.of(ConfigKeys.ENGINE_TICK_MILLIS, "60000"));

  /** The endpoint verticles deployed by the tests, undeployed after each. */
  private final java.util.List<String> deployed = new java.util.ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void undeploy() throws Exception {
    for (String id : deployed) {
      GATEWAY.gateway().node().vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Mounts {@code /ws} with {@code settings} on a server of its own; its port. */
  private int endpoint(WsSettings settings) throws Exception {
    GatewayServices services = GATEWAY.gateway().node().services();
    var vertx = GATEWAY.gateway().node().vertx();
    var trading = new TradingActions(services.accounts(), services.orders(), services.approvals(), services.engines());
    int[] port = new int[1];
    String id = vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Router router = Router.router(vertx);
        return new WsEndpoint(vertx, services, settings, OriginPolicy.of(List.of()), trading).mount(router)
            .compose(x -> vertx.createHttpServer(WsEndpoint.limitFrames(new HttpServerOptions(), settings)
                .setHost("127.0.0.1").setPort(0)).requestHandler(router).listen())
            .onSuccess(s -> port[0] = s.actualPort());
      }
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    deployed.add(id);
    return port[0];
  }

  private static WsSettings settings(Duration heartbeat, Duration idle) {
    WsSettings d = WsSettings.DEFAULTS;
    return new WsSettings(d.authTimeout(), heartbeat, idle, d.outboxCapacity(), d.writeQueueBytes(),
        d.maxFrameBytes(), d.malformedPerMinute());
  }

  /** Pings a socket must get to pass (at one per 200 ms they take 3.8 s, beyond a 3 s idle timeout). */
  private static final int PINGS = 20;

  /** A JDK WebSocket client that counts the pings it gets and records how the server closed it. */
  private static final class Listener implements WebSocket.Listener {
    final AtomicInteger pings = new AtomicInteger();
    /** Counted down by the first {@link #PINGS} pings. */
    final java.util.concurrent.CountDownLatch firstPings = new java.util.concurrent.CountDownLatch(PINGS);
    final CompletableFuture<String> ready = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        if (text.indexOf("\"ready\"") >= 0) {
          ready.complete(text.toString());
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      pings.incrementAndGet();
      firstPings.countDown();
      ws.request(1);
      return null; // the JDK client answers with a pong by itself
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  /** Connects to {@code port}, authenticates as a fresh user of its own tenant, and waits for {@code ready}. */
  private static Listener readyOn(int port, String tenant) throws Exception {
    TestGateway.Session s = GATEWAY.signedIn(tenant, "hb@" + tenant + ".test", Role.OPERATOR);
    Listener listener = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener).get(10, TimeUnit.SECONDS);
    ws.sendText("{\"op\":\"auth\",\"token\":\"" + s.accessToken() + "\"}", true).get(10, TimeUnit.SECONDS);
    listener.ready.get(10, TimeUnit.SECONDS);
    return listener;
  }

  @Test
  @DisplayName("the server pings an authenticated socket every period, and a client that answers with pongs stays open past the idle timeout")
  void pingsAndPongsKeepASocketOpen() throws Exception {
    Duration idle = Duration.ofSeconds(3);
    int port = endpoint(settings(Duration.ofMillis(200), idle));
    Listener a = readyOn(port, "hb-a");
    Listener b = readyOn(port, "hb-b");
    long start = System.nanoTime();
    // a ping every 200 ms: about 45 in 9 s; a loaded machine may delay some, but fewer than 20 is not "every period"
    assertThat(a.firstPings.await(9, TimeUnit.SECONDS)).as(PINGS + " pings within 9 s at one per 200 ms").isTrue();
    assertThat(b.firstPings.await(9, TimeUnit.SECONDS)).as(PINGS + " pings within 9 s at one per 200 ms").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no more than a ping a period").isGreaterThan(idle);
    // three idle timeouts from the start: without the pongs counting as traffic, both would be closed by then
    long endNanos = start + 3 * idle.toNanos();
    for (Listener open : List.of(a, b)) {
      long left = Math.max(0, endNanos - System.nanoTime());
      assertThatThrownBy(() -> open.closed.get(left, TimeUnit.NANOSECONDS)).as("a socket that answers pings closed")
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
    }
  }

  @Test
  @DisplayName("a socket from which nothing arrives for the idle timeout is closed 1001")
  void aSilentSocketIsClosed() throws Exception {
    // no ping before the idle timeout, so the client has nothing to answer and stays silent
    int port = endpoint(settings(Duration.ofSeconds(30), Duration.ofMillis(1500)));
    Listener silent = readyOn(port, "hb-c");
    long start = System.nanoTime(); // after the socket's last frame in (its auth) and the ready
    int code = silent.closed.get(20, TimeUnit.SECONDS);
    long afterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(code).isEqualTo(1001);
    // the ready frame came after the auth frame was read, so the close is due a little under 1.5 s from here
    assertThat(afterMillis).as("closed after the idle timeout, not before").isGreaterThanOrEqualTo(1200);
    assertThat(silent.pings.get()).isZero();
  }
}

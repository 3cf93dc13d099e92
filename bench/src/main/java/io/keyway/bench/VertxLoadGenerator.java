package io.keyway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The fallback when wrk is not installed: a Vert.x HTTP client on its own Vert.x instance (its own
 * event loop threads, none shared with the server's), N keep-alive connections each running a
 * closed loop, and every request's latency recorded in an HdrHistogram.
 */
final class VertxLoadGenerator implements LoadGenerator {
  private static final long REQUEST_TIMEOUT_MILLIS = 2_000;
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int connections;
  private final int threads;

  private VertxLoadGenerator(Vertx vertx, HttpClientAgent client, int connections, int threads) {
    this.vertx = vertx;
    this.client = client;
    this.connections = connections;
    this.threads = threads;
  }

  static VertxLoadGenerator create(int connections, int threads) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    HttpClientAgent client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
            .setConnectTimeout((int) REQUEST_TIMEOUT_MILLIS))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .build();
    return new VertxLoadGenerator(vertx, client, connections, threads);
  }

  @Override
  public String describe() {
    return "Vert.x HttpClient (closed loop, HdrHistogram), " + connections + " connections, " + threads
        + " event loop(s)";
  }

  @Override
  public PhaseResult run(LoadTarget target, int round, Duration duration) throws Exception {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(target.host())
        .setPort(target.port())
        .setURI(target.path())
        .setIdleTimeout(REQUEST_TIMEOUT_MILLIS);
    target.authorization().ifPresent(header -> request.putHeader("Authorization", header));
    PhaseCounters counters = new PhaseCounters();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Future<Void>> loops = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      loops.add(new ConnectionLoop(request, deadline, counters).start());
    }
    Await.result(Future.all(loops), duration.plus(DRAIN_LIMIT));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Histogram latencies = counters.latencyNanos;
    return new PhaseResult(target.phase(), round, counters.responses.sum(), elapsed,
        latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
        counters.non200.sum(), counters.ioErrors.sum());
  }

  /** One GET and its whole body; the status code. */
  private Future<Integer> exchange(RequestOptions request) {
    return client.request(request)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  /**
   * One connection's closed loop: the next request leaves when the previous answer is in, until
   * the deadline. Each step starts afresh from the response's callback rather than composing onto
   * the previous step's future, so a phase of a million requests does not build a million-deep
   * chain of futures.
   */
  private final class ConnectionLoop {
    private final RequestOptions request;
    private final long deadline;
    private final PhaseCounters counters;
    private final Promise<Void> finished = Promise.promise();

    ConnectionLoop(RequestOptions request, long deadline, PhaseCounters counters) {
      this.request = request;
      this.deadline = deadline;
      this.counters = counters;
    }

    Future<Void> start() {
      sendNext();
      return finished.future();
    }

    private void sendNext() {
      if (System.nanoTime() >= deadline) {
        finished.complete();
        return;
      }
      long sent = System.nanoTime();
      exchange(request).onComplete(outcome -> {
        if (outcome.succeeded()) {
          counters.response(outcome.result(), System.nanoTime() - sent);
          sendNext();
        } else {
          counters.ioErrors.increment();
          // back off a little: a refused connection fails at once, and must neither spin nor recurse
          vertx.setTimer(1, timer -> sendNext());
        }
      });
    }
  }

  @Override
  public void close() throws IOException {
    Await.stopped(client.close().eventually(vertx::close), DRAIN_LIMIT, "the load generator");
  }

  /** What one phase counted; safe to update from any event loop. */
  private static final class PhaseCounters {
    final Histogram latencyNanos = new ConcurrentHistogram(HIGHEST_TRACKED_NANOS, 3);
    final LongAdder responses = new LongAdder();
    final LongAdder non200 = new LongAdder();
    final LongAdder ioErrors = new LongAdder();

    void response(int status, long nanos) {
      responses.increment();
      if (status != 200) {
        non200.increment();
      }
      latencyNanos.recordValue(Math.min(nanos, HIGHEST_TRACKED_NANOS));
    }
  }
}

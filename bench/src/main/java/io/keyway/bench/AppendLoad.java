package io.keyway.bench;

import io.keyway.ledger.LedgerClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop appends through {@link LedgerClient}, as many callers as appends in flight: each
 * caller sends its next append when the previous one is answered, until the deadline. Caller {@code
 * i} writes to chain {@code i mod chains}. Every caller runs on one event loop of the ledger's own
 * Vert.x (the event bus address is node-local), not the ledger's.
 */
final class AppendLoad {
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** The longest a phase may take to drain after its deadline; the client's send timeout is 15 s. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  /** What the callers saw: answered appends, failures, and the latency of the answered ones. */
  record Outcome(long answered, long failed, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis) {}

  private final Vertx vertx;
  private final LedgerClient client;

  AppendLoad(Vertx vertx, LedgerClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** Blocking: loads {@code chains} with {@code inFlight} callers for {@code duration}. */
  Outcome run(List<EntryMix> chains, int inFlight, Duration duration) throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<Outcome> outcome = Promise.promise();
    context.runOnContext(v -> new Phase(chains, inFlight, duration).start().onComplete(outcome));
    return Await.result(outcome.future(), duration.plus(DRAIN_LIMIT));
  }

  /** One phase's callers and counters; touched only on its context's event loop. */
  private final class Phase {
    private final List<EntryMix> chains;
    private final int inFlight;
    private final long start = System.nanoTime();
    private final long deadline;
    private final Histogram latencyNanos = new Histogram(HIGHEST_TRACKED_NANOS, 3);
    private long failed;
    private String firstFailure;

    Phase(List<EntryMix> chains, int inFlight, Duration duration) {
      this.chains = chains;
      this.inFlight = inFlight;
      this.deadline = start + duration.toNanos();
    }

    Future<Outcome> start() {
      List<Future<Void>> callers = new ArrayList<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        Promise<Void> done = Promise.promise();
        sendNext(chains.get(i % chains.size()), done);
        callers.add(done.future());
      }
      return Future.all(callers).map(x -> new Outcome(latencyNanos.getTotalCount(), failed, firstFailure,
          Duration.ofNanos(System.nanoTime() - start), latencyNanos.getValueAtPercentile(50) / 1e6,
          latencyNanos.getValueAtPercentile(99) / 1e6));
    }

    // each step starts afresh from the reply's callback rather than composing onto the previous
    // step's future, so a phase of a million appends does not build a million-deep chain of futures
    private void sendNext(EntryMix chain, Promise<Void> done) {
      if (System.nanoTime() >= deadline) {
        done.complete();
        return;
      }
      long sent = System.nanoTime();
      client.append(chain.next()).onComplete(result -> {
        if (result.succeeded()) {
          latencyNanos.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_TRACKED_NANOS));
          sendNext(chain, done);
        } else {
          failed++;
          if (firstFailure == null) {
            firstFailure = result.cause().getMessage();
          }
          // back off a little: a ledger that refuses at once must neither spin nor recurse
          vertx.setTimer(1, t -> sendNext(chain, done));
        }
      });
    }
  }
}

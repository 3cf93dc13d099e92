package io.keyway.bench;

import io.keyway.ledger.AppendResult;
import io.keyway.ledger.LedgerClient;
import io.vertx.core.AsyncResult;
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
 * Appends through {@link LedgerClient}, in one of two shapes. Closed loop ({@link #run}): as many
 * callers as appends in flight, each sending its next append when the previous one is answered,
 * until the deadline; caller {@code i} writes to chain {@code i mod chains}. Open loop ({@link
 * #runOpen}): appends offered at a fixed rate whatever the answers, to the chains in turn, each
 * append's latency counted from the moment it was due to be sent (so a ledger that falls behind is
 * charged for the wait, with no coordinated omission). Everything runs on one event loop of the
 * ledger's own Vert.x (the event bus address is node-local), not the ledger's.
 */
final class AppendLoad {
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** The longest a phase may take to drain after its deadline; the client's send timeout is 15 s. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
  /** How often the open loop wakes up to send the appends that have fallen due. */
  private static final long OPEN_LOOP_TICK_MILLIS = 1;
  /** Diagnostic: print each open-loop phase's slow slices beside the collector's pauses ({@link TailTimeline}). */
  private static final boolean TIMELINE = Boolean.getBoolean("bench.timeline");
  /** An append slower than this marks its 100 ms slice in the timeline: the p99 target. */
  private static final long TIMELINE_THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * What the callers saw: answered appends, failures, and the latency of the answered ones; {@code
   * notSent}, appends an open loop did not offer because the ledger had fallen too far behind (0 for
   * a closed loop).
   */
  record Outcome(long answered, long failed, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis, long notSent) {}

  private final Vertx vertx;
  private final LedgerClient client;

  AppendLoad(Vertx vertx, LedgerClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** Blocking: loads {@code chains} with {@code inFlight} callers for {@code duration}. */
  Outcome run(List<EntryMix> chains, int inFlight, Duration duration) throws Exception {
    return onContext(duration, () -> new ClosedPhase(chains, inFlight, duration).start());
  }

  /**
   * Blocking: offers {@code perSecond} appends a second to {@code chains} in turn for {@code duration},
   * then waits for the last answer.
   */
  Outcome runOpen(List<EntryMix> chains, int perSecond, Duration duration) throws Exception {
    return onContext(duration, () -> new OpenPhase(chains, perSecond, duration).start());
  }

  private Outcome onContext(Duration duration, java.util.function.Supplier<Future<Outcome>> phase) throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<Outcome> outcome = Promise.promise();
    context.runOnContext(v -> phase.get().onComplete(outcome));
    return Await.result(outcome.future(), duration.plus(DRAIN_LIMIT));
  }

  /** Latencies and failures of one phase; touched only on its context's event loop. */
  private static class Tally {
    final long start = System.nanoTime();
    final Histogram latencyNanos = new Histogram(HIGHEST_TRACKED_NANOS, 3);
    long failed;
    String firstFailure;

    /** Counts one answer: its latency since {@code since} when it succeeded, the failure otherwise. */
    boolean count(AsyncResult<AppendResult> result, long since) {
      if (result.succeeded()) {
        latencyNanos.recordValue(Math.min(System.nanoTime() - since, HIGHEST_TRACKED_NANOS));
        return true;
      }
      failed++;
      if (firstFailure == null) {
        firstFailure = result.cause().getMessage();
      }
      return false;
    }

    long notSent;

    Outcome outcome() {
      return new Outcome(latencyNanos.getTotalCount(), failed, firstFailure, Duration.ofNanos(System.nanoTime() - start),
          latencyNanos.getValueAtPercentile(50) / 1e6, latencyNanos.getValueAtPercentile(99) / 1e6, notSent);
    }
  }

  private final class ClosedPhase extends Tally {
    private final List<EntryMix> chains;
    private final int inFlight;
    private final long deadline;

    ClosedPhase(List<EntryMix> chains, int inFlight, Duration duration) {
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
      return Future.all(callers).map(x -> outcome());
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
        if (count(result, sent)) {
          sendNext(chain, done);
        } else {
          // back off a little: a ledger that refuses at once must neither spin nor recurse
          vertx.setTimer(1, t -> sendNext(chain, done));
        }
      });
    }
  }

  /**
   * Append {@code k} is due at {@code start + k / perSecond}; a timer sends whatever has fallen due.
   * A ledger more than one second's worth of appends behind has missed any latency target by far:
   * the phase then stops offering and counts the appends it did not send ({@link Outcome#notSent}),
   * rather than piling up appends that would only time out.
   */
  private final class OpenPhase extends Tally {
    private final List<EntryMix> chains;
    private final int perSecond;
    private final double nanosPerAppend;
    private final Promise<Outcome> done = Promise.promise();
    private long total;
    private long sent;
    private long settled;
    private long timer;
    private final TailTimeline timeline = TIMELINE ? new TailTimeline(start, TIMELINE_THRESHOLD_NANOS, "appends") : null;

    OpenPhase(List<EntryMix> chains, int perSecond, Duration duration) {
      this.chains = chains;
      this.perSecond = perSecond;
      this.nanosPerAppend = 1e9 / perSecond;
      this.total = Math.max(1, (long) (duration.toNanos() / nanosPerAppend));
    }

    Future<Outcome> start() {
      timer = vertx.setPeriodic(OPEN_LOOP_TICK_MILLIS, t -> sendDue());
      sendDue();
      return done.future();
    }

    private void sendDue() {
      long now = System.nanoTime();
      while (sent < total) {
        long due = start + (long) (sent * nanosPerAppend);
        if (due > now) {
          return;
        }
        if (sent - settled > perSecond) {
          notSent = total - sent;
          total = sent;
          break;
        }
        EntryMix chain = chains.get((int) (sent % chains.size()));
        sent++;
        client.append(chain.next()).onComplete(result -> {
          if (count(result, due) && timeline != null) {
            timeline.record(due, System.nanoTime() - due);
          }
          settled++;
          settleIfDone();
        });
      }
      vertx.cancelTimer(timer);
      settleIfDone();
    }

    private void settleIfDone() {
      if (sent == total && settled == total) {
        if (timeline != null) {
          timeline.close();
          timeline.print(System.err, "open loop at " + perSecond + "/s over " + chains.size() + " chains");
        }
        done.tryComplete(outcome());
      }
    }
  }
}

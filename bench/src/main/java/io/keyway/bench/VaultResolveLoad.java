package io.keyway.bench;

import io.keyway.vault.ResolvedCredential;
import io.keyway.vault.VaultClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Resolves through {@link VaultClient} over the event bus, in one of two ways. Closed loop
 * ({@link #run}): as many callers as resolves in flight, each asking for the next credential when
 * its previous one is answered (and closed), until the deadline; it finds the capacity, and its
 * latency is mostly queueing. Open loop ({@link #runOpen}): resolves issued at a fixed rate whatever
 * the answers do, each timed from when it was due to be sent (no coordinated omission); it measures
 * the latency at that rate. The linked credentials are taken in turn, so every one is resolved as
 * often as any other. All callers run on one event loop of the vault's own Vert.x (the address is
 * node-local), never the vault's.
 */
final class VaultResolveLoad {
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** The longest a phase may take to drain after its deadline; the client's send timeout is 5 s. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
  private static final Duration SETUP_LIMIT = Duration.ofMinutes(1);
  /** Contexts tried before giving up on finding an event loop that is not the vault's. */
  private static final int CONTEXT_ATTEMPTS = 16;
  /** Resolves in flight while every credential is checked once. */
  private static final int CHECK_BATCH = 256;
  /** The open loop's timer period: every tick sends the resolves due by then. */
  private static final long TICK_MILLIS = 1;
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
  /** Diagnostic: print each open-loop phase's slow slices beside the collector's pauses ({@link TailTimeline}). */
  private static final String TIMELINE = "bench.timeline";
  private static final long TIMELINE_THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** What the callers saw: answered resolves, failures, and the latency of the answered ones. */
  record Outcome(long answered, long failed, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis, double p999Millis) {}

  /**
   * What an open-loop phase saw: as {@link Outcome}, latency counted from each resolve's scheduled
   * send time, plus how many were sent later than one timer period after it ({@code late}; 0 for a
   * closed loop, which sends as answers come).
   */
  record OpenOutcome(Outcome outcome, long late) {}

  private final Vertx vertx;
  private final VaultClient client;
  private final List<VaultCredential> credentials;
  private final Context callers;
  private final String callerEventLoop;

  private VaultResolveLoad(Vertx vertx, VaultClient client, List<VaultCredential> credentials, Context callers,
      String callerEventLoop) {
    this.vertx = vertx;
    this.client = client;
    this.credentials = credentials;
    this.callers = callers;
    this.callerEventLoop = callerEventLoop;
  }

  /** Callers on a context of their own, on any event loop but {@code vaultEventLoop} (null: any event loop). */
  static VaultResolveLoad create(Vertx vertx, VaultClient client, List<VaultCredential> credentials,
      String vaultEventLoop) throws Exception {
    for (int attempt = 0; attempt < CONTEXT_ATTEMPTS; attempt++) {
      // from a thread that is not Vert.x's, every call makes a new context, the event loops in turn
      Context context = vertx.getOrCreateContext();
      Promise<String> thread = Promise.promise();
      context.runOnContext(v -> thread.complete(Thread.currentThread().getName()));
      String name = Await.result(thread.future(), SETUP_LIMIT);
      if (!name.equals(vaultEventLoop)) {
        return new VaultResolveLoad(vertx, client, credentials, context, name);
      }
    }
    throw new IllegalStateException("every context was on the vault's event loop " + vaultEventLoop);
  }

  String callerEventLoop() {
    return callerEventLoop;
  }

  /** The callers' context. */
  Context callers() {
    return callers;
  }

  /** Resolves every credential once and fails unless each opens to the plaintext it was linked with. */
  void requireEveryCredentialResolves() throws Exception {
    for (int from = 0; from < credentials.size(); from += CHECK_BATCH) {
      List<Future<Void>> batch = new ArrayList<>(CHECK_BATCH);
      for (VaultCredential c : credentials.subList(from, Math.min(credentials.size(), from + CHECK_BATCH))) {
        batch.add(client.resolve(c.tenantId(), c.userId(), VaultCredential.PROVIDER, c.label()).map(resolved -> {
          try (resolved) {
            if (!c.isPlaintextOf(resolved.keyId(), resolved.secret())) {
              throw new IllegalStateException(c + " resolved to another plaintext");
            }
            return null;
          }
        }));
      }
      Await.result(Future.all(batch), SETUP_LIMIT);
    }
  }

  /** Blocking: {@code inFlight} callers for {@code duration}. */
  Outcome run(int inFlight, Duration duration) throws Exception {
    Promise<Outcome> outcome = Promise.promise();
    callers.runOnContext(v -> new Phase(inFlight, duration).start().onComplete(outcome));
    return Await.result(outcome.future(), duration.plus(DRAIN_LIMIT));
  }

  /**
   * Blocking: resolves issued at {@code perSecond} for {@code duration}, then every answer awaited.
   * Time is cut in {@link #TICK_MILLIS} ms slots, slot k due at start + k ms with its share of the
   * rate (perSecond / 1000 a slot, spread so the total is exact); a periodic timer on the callers'
   * event loop sends every slot due by then, and each resolve's latency counts from its slot's due
   * time, so a late timer or a busy caller loop counts against the vault, not for it.
   */
  OpenOutcome runOpen(int perSecond, Duration duration) throws Exception {
    Promise<OpenOutcome> outcome = Promise.promise();
    callers.runOnContext(v -> new OpenPhase(perSecond, duration).start().onComplete(outcome));
    return Await.result(outcome.future(), duration.plus(DRAIN_LIMIT));
  }

  /** Counters and latencies of one phase; touched only on the callers' event loop. */
  private class Recorder {
    final long start = System.nanoTime();
    final Histogram latencyNanos = new Histogram(HIGHEST_TRACKED_NANOS, 3);
    /** Set in an open-loop phase run with {@code -Dbench.timeline=true}. */
    TailTimeline timeline;
    int nextCredential;
    long failed;
    String firstFailure;

    /** Resolves the next credential; {@code then} runs once it is answered (timed from {@code from}) or failed. */
    void resolveNext(long from, Handler<Boolean> then) {
      VaultCredential c = credentials.get(nextCredential);
      nextCredential = (nextCredential + 1) % credentials.size();
      client.resolve(c.tenantId(), c.userId(), VaultCredential.PROVIDER, c.label()).onComplete(result -> {
        if (result.succeeded()) {
          try (ResolvedCredential resolved = result.result()) {
            long latency = Math.min(System.nanoTime() - from, HIGHEST_TRACKED_NANOS);
            latencyNanos.recordValue(latency);
            if (timeline != null) {
              timeline.record(from, latency);
            }
          }
        } else {
          failed++;
          if (firstFailure == null) {
            firstFailure = result.cause().getMessage();
          }
        }
        then.handle(result.succeeded());
      });
    }

    Outcome outcome() {
      return new Outcome(latencyNanos.getTotalCount(), failed, firstFailure,
          Duration.ofNanos(System.nanoTime() - start), millis(50), millis(99), millis(99.9));
    }

    private double millis(double percentile) {
      return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
  }

  /** One open-loop phase: a periodic timer sends what is due; done once every resolve sent is answered. */
  private final class OpenPhase extends Recorder {
    private final int perSecond;
    private final long slots;
    private final Promise<OpenOutcome> done = Promise.promise();
    private long nextSlot;
    private long sent;
    private long answered;
    private long late;
    private long timer;

    OpenPhase(int perSecond, Duration duration) {
      this.perSecond = perSecond;
      this.slots = duration.toMillis() / TICK_MILLIS;
      if (SystemProperties.booleanProperty(TIMELINE, false)) {
        timeline = new TailTimeline(start, TIMELINE_THRESHOLD_NANOS);
      }
    }

    Future<OpenOutcome> start() {
      timer = vertx.setPeriodic(TICK_MILLIS, t -> sendDue());
      sendDue();
      return done.future();
    }

    /** Resolves scheduled in slots [0, slot): the rate spread over the slots without rounding drift. */
    private long scheduledBefore(long slot) {
      return slot * perSecond * TICK_MILLIS / 1000;
    }

    private void sendDue() {
      long now = System.nanoTime();
      long dueSlots = Math.min(slots, (now - start) / TICK_NANOS + 1);
      for (; nextSlot < dueSlots; nextSlot++) {
        long dueAt = start + nextSlot * TICK_NANOS;
        long count = scheduledBefore(nextSlot + 1) - scheduledBefore(nextSlot);
        if (now - dueAt > TICK_NANOS) {
          late += count;
        }
        for (long i = 0; i < count; i++) {
          sent++;
          resolveNext(dueAt, ok -> {
            answered++;
            finishIfDone();
          });
        }
      }
      if (nextSlot == slots) {
        vertx.cancelTimer(timer);
        finishIfDone();
      }
    }

    private void finishIfDone() {
      if (nextSlot == slots && answered == sent && !done.future().isComplete()) {
        if (timeline != null) {
          timeline.close();
          timeline.print(System.err, "open loop at " + perSecond + "/s");
        }
        done.complete(new OpenOutcome(outcome(), late));
      }
    }
  }

  /** One closed-loop phase's callers. */
  private final class Phase extends Recorder {
    private final int inFlight;
    private final long deadline;

    Phase(int inFlight, Duration duration) {
      this.inFlight = inFlight;
      this.deadline = start + duration.toNanos();
    }

    Future<Outcome> start() {
      List<Future<Void>> loops = new ArrayList<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        Promise<Void> done = Promise.promise();
        next(done);
        loops.add(done.future());
      }
      return Future.all(loops).map(x -> outcome());
    }

    // each step starts afresh from the reply's callback rather than composing onto the previous
    // step's future, so a phase of a million resolves does not build a million-deep chain of futures
    private void next(Promise<Void> done) {
      if (System.nanoTime() >= deadline) {
        done.complete();
        return;
      }
      resolveNext(System.nanoTime(), ok -> {
        if (ok) {
          next(done);
        } else {
          // back off a little: a vault that refuses at once must neither spin nor recurse
          vertx.setTimer(1, t -> next(done));
        }
      });
    }
  }
}

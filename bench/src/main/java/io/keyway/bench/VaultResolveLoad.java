package io.keyway.bench;

import io.keyway.vault.ResolvedCredential;
import io.keyway.vault.VaultClient;
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
 * Closed-loop resolves through {@link VaultClient} over the event bus, as many callers as resolves
 * in flight: each caller asks for the next credential when its previous one is answered (and
 * closed), until the deadline. The callers take the linked credentials in turn, so every one is
 * resolved as often as any other. They all run on one event loop of the vault's own Vert.x (the
 * address is node-local), never the vault's.
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

  /** What the callers saw: answered resolves, failures, and the latency of the answered ones. */
  record Outcome(long answered, long failed, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis, double p999Millis) {}

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

  /** Callers on a context of their own, on any event loop but {@code vaultEventLoop}. */
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

  /** One phase's callers and counters; touched only on the callers' event loop. */
  private final class Phase {
    private final int inFlight;
    private final long start = System.nanoTime();
    private final long deadline;
    private final Histogram latencyNanos = new Histogram(HIGHEST_TRACKED_NANOS, 3);
    private int nextCredential;
    private long failed;
    private String firstFailure;

    Phase(int inFlight, Duration duration) {
      this.inFlight = inFlight;
      this.deadline = start + duration.toNanos();
    }

    Future<Outcome> start() {
      List<Future<Void>> loops = new ArrayList<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        Promise<Void> done = Promise.promise();
        resolveNext(done);
        loops.add(done.future());
      }
      return Future.all(loops).map(x -> new Outcome(latencyNanos.getTotalCount(), failed, firstFailure,
          Duration.ofNanos(System.nanoTime() - start), millis(50), millis(99), millis(99.9)));
    }

    private double millis(double percentile) {
      return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }

    // each step starts afresh from the reply's callback rather than composing onto the previous
    // step's future, so a phase of a million resolves does not build a million-deep chain of futures
    private void resolveNext(Promise<Void> done) {
      if (System.nanoTime() >= deadline) {
        done.complete();
        return;
      }
      VaultCredential c = credentials.get(nextCredential);
      nextCredential = (nextCredential + 1) % credentials.size();
      long sent = System.nanoTime();
      client.resolve(c.tenantId(), c.userId(), VaultCredential.PROVIDER, c.label()).onComplete(result -> {
        if (result.succeeded()) {
          try (ResolvedCredential resolved = result.result()) {
            latencyNanos.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_TRACKED_NANOS));
          }
          resolveNext(done);
        } else {
          failed++;
          if (firstFailure == null) {
            firstFailure = result.cause().getMessage();
          }
          // back off a little: a vault that refuses at once must neither spin nor recurse
          vertx.setTimer(1, t -> resolveNext(done));
        }
      });
    }
  }
}

package io.keyway.vault;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the resolves that reach the vault in one turn of its event loop with one statement, whatever
 * their tenants ({@link CredentialStore#resolveAll}: each tenant's asks under its own row-level
 * security). The first resolve of a batch schedules the flush at the end of the current turn
 * ({@link Context#runOnContext}, behind the messages already queued on the loop), so a lone resolve
 * waits for nothing. While {@code maxFlushesInFlight} flushes are being read, further resolves wait
 * for one of them to come back and go in the next flush: under load, batches grow with the load
 * instead of the statements multiplying. A batch that reaches {@link #MAX_GROUP} is read at once.
 * Each caller still gets its own answer, and nothing is cached: every resolve is read and decrypted.
 *
 * <p>Not thread-safe: used only on {@code context}, the vault verticle's.
 */
final class ResolveBatcher {
  /** The most resolves one statement reads. */
  static final int MAX_GROUP = 256;

  private final Context context;
  private final CredentialStore store;
  private final SqlClient reads;
  private final int maxFlushesInFlight;
  private List<CredentialIdentity> pendingAsks = new ArrayList<>();
  private List<Promise<ResolvedCredential>> pendingAnswers = new ArrayList<>();
  private boolean flushScheduled;
  private int flushesInFlight;
  private long statements;
  private long resolves;

  ResolveBatcher(Context context, CredentialStore store, SqlClient reads, int maxFlushesInFlight) {
    if (maxFlushesInFlight < 1) {
      throw new IllegalArgumentException("at least one flush must be allowed in flight");
    }
    this.context = context;
    this.store = store;
    this.reads = reads;
    this.maxFlushesInFlight = maxFlushesInFlight;
  }

  /** Resolves {@code who}'s credential with the others asked in this turn. */
  Future<ResolvedCredential> resolve(CredentialIdentity who) {
    Promise<ResolvedCredential> answer = Promise.promise();
    pendingAsks.add(who);
    pendingAnswers.add(answer);
    if (pendingAsks.size() >= MAX_GROUP) {
      flushesInFlight++;
      readPending().onComplete(this::flushed);
    } else if (!flushScheduled && flushesInFlight < maxFlushesInFlight) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
    return answer.future();
  }

  /** Statements sent so far. */
  long statements() {
    return statements;
  }

  /** Resolves read so far. */
  long resolves() {
    return resolves;
  }

  /** Reads every pending resolve, unless {@code maxFlushesInFlight} are in flight: then the next to return does. */
  private void flush() {
    if (pendingAsks.isEmpty() || flushesInFlight >= maxFlushesInFlight) {
      return;
    }
    flushesInFlight++;
    readPending().onComplete(this::flushed);
  }

  private void flushed(Object ignored) {
    flushesInFlight--;
    flush();
  }

  /** One statement for the pending resolves; the future completes once every answer is delivered. */
  private Future<?> readPending() {
    List<CredentialIdentity> asks = pendingAsks;
    List<Promise<ResolvedCredential>> promised = pendingAnswers;
    pendingAsks = new ArrayList<>();
    pendingAnswers = new ArrayList<>();
    statements++;
    resolves += asks.size();
    List<Future<ResolvedCredential>> answers = store.resolveAll(reads, asks);
    for (int i = 0; i < promised.size(); i++) {
      answers.get(i).onComplete(promised.get(i));
    }
    return Future.join(answers);
  }
}

package io.keyway.vault;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Groups the resolves that reach the vault in one turn of its event loop by tenant, and reads each
 * group with one statement ({@link CredentialStore#resolveAll}). The first resolve of a batch
 * schedules the flush at the end of the current turn ({@link Context#runOnContext}, behind the
 * messages already queued on the loop), so a lone resolve waits for nothing. While {@code
 * maxFlushesInFlight} flushes are being read, further resolves wait for one of them to come back
 * and go in the next flush: under load, batches grow with the load instead of the statements
 * multiplying. A tenant's group that reaches {@link #MAX_GROUP} is read at once. Each caller still
 * gets its own answer, and nothing is cached: every resolve is read and decrypted.
 *
 * <p>Not thread-safe: used only on {@code context}, the vault verticle's.
 */
final class ResolveBatcher {
  /** The most resolves one statement reads. */
  static final int MAX_GROUP = 256;

  private record Ask(CredentialIdentity who, Promise<ResolvedCredential> answer) {}

  private final Context context;
  private final CredentialStore store;
  private final SqlClient reads;
  private final Map<UUID, List<Ask>> pending = new HashMap<>();
  private final int maxFlushesInFlight;
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
    List<Ask> group = pending.computeIfAbsent(who.tenantId(), t -> new ArrayList<>());
    group.add(new Ask(who, answer));
    if (group.size() >= MAX_GROUP) {
      pending.remove(who.tenantId());
      flushesInFlight++;
      read(who.tenantId(), group).onComplete(this::flushed);
    } else if (!flushScheduled && flushesInFlight < maxFlushesInFlight) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
    return answer.future();
  }

  /** Statements sent so far (one per tenant group). */
  long statements() {
    return statements;
  }

  /** Resolves read so far. */
  long resolves() {
    return resolves;
  }

  /** Reads every pending group, unless {@code maxFlushesInFlight} are in flight: then the next to return does. */
  private void flush() {
    if (pending.isEmpty() || flushesInFlight >= maxFlushesInFlight) {
      return;
    }
    List<Future<?>> groups = new ArrayList<>(pending.size());
    pending.forEach((tenantId, group) -> groups.add(read(tenantId, group)));
    pending.clear();
    flushesInFlight++;
    Future.join(groups).onComplete(this::flushed);
  }

  private void flushed(Object ignored) {
    flushesInFlight--;
    flush();
  }

  /** One statement for {@code group}; the future completes once it has been read (answers delivered). */
  private Future<?> read(UUID tenantId, List<Ask> group) {
    statements++;
    resolves += group.size();
    List<CredentialIdentity> asks = new ArrayList<>(group.size());
    group.forEach(a -> asks.add(a.who()));
    List<Future<ResolvedCredential>> answers;
    try {
      answers = store.resolveAll(reads, tenantId, asks);
    } catch (RuntimeException refused) {
      // a group that cannot even be sent fails its own callers; it must never stay pending and stall the rest
      group.forEach(a -> a.answer().fail(refused));
      return Future.failedFuture(refused);
    }
    for (int i = 0; i < group.size(); i++) {
      answers.get(i).onComplete(group.get(i).answer());
    }
    return Future.join(answers);
  }
}

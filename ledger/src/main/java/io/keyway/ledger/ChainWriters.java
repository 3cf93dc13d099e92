package io.keyway.ledger;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Consumer;

/**
 * Group commit, one queue per chain, confined to the ledger verticle's event loop. An append to an
 * idle chain is written at once; appends arriving while batches are being written wait and go
 * together in the next transaction (at most {@code maxBatch}). Under light load that is one entry
 * per transaction with no added wait; under heavy load the batches grow by themselves.
 *
 * <p>Batches of one chain are pipelined, up to {@code depth} in flight: once the previous batch's
 * writes are sent (or a batch settles), the appends queued by then are planned as the next batch on
 * the head, keys and balances the plans ahead of it leave
 * (this writer is the chain's only writer, so it knows them), and its transaction waits in
 * PostgreSQL for the previous commit before moving the head ({@link LedgerStore}). A batch with
 * nothing ahead of it locks and reads the head instead. Callers are answered strictly in commit order.
 * When a batch fails, the batches behind it fail too (the head they were planned on never came to be,
 * so nothing of theirs is written): their appends go back to the front of the queue, in order, and
 * are written again once the chain is idle, from the head locked and read afresh (which is also how
 * a chain another node wrote to is picked up). Only the appends of the batch
 * that failed by itself are answered with its error.
 */
final class ChainWriters {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWriters.class);
  /**
   * Batches of an append that may fail behind others (a predecessor that failed, another writer that moved
   * the chain) before it fails itself: a backstop, far above what a race takes.
   */
  static final int MAX_ATTEMPTS = 64;

  private static final class Pending {
    final PreparedAppend request;
    final Promise<AppendResult> promise;
    /** Batches of this append that failed without an error of its own and were written again. */
    int attempts;

    Pending(PreparedAppend request, Promise<AppendResult> promise) {
      this.request = request;
      this.promise = promise;
    }

    PreparedAppend request() {
      return request;
    }

    Promise<AppendResult> promise() {
      return promise;
    }
  }

  /** A batch sent to the store and not yet answered. */
  private static final class Batch {
    final List<Pending> pending;
    BatchPlanner.Plan plan;
    /** Failed as it started ({@link #writeNext}): settled as failed, so its plan, should one still come, is ignored. */
    boolean failedToStart;
    /** Completes once this batch's callers are answered (or requeued), which is after the batch ahead of it. */
    Future<Void> settled;

    Batch(List<Pending> pending) {
      this.pending = pending;
    }
  }

  private final class Chain {
    final UUID tenantId;
    final Deque<Pending> queue = new ArrayDeque<>();
    final Deque<Batch> inFlight = new ArrayDeque<>();
    /** A batch was sent and its plan is not made yet: the next one cannot be planned before it. */
    boolean planning;
    /** A batch failed: start nothing until every batch in flight has settled. */
    boolean draining;
    /** Appends of batches that failed behind another one, to write again, in order. */
    final List<Pending> retry = new ArrayList<>();
    /** The balances as this chain's last committed batch left them. */
    final KnownBalances known = new KnownBalances();
    /** An append arrived since the last {@link #forgetIdle}. */
    boolean touched = true;

    Chain(UUID tenantId) {
      this.tenantId = tenantId;
    }
  }

  private final LedgerStore store;
  private final int maxBatch;
  private final int depth;
  private final Consumer<BatchPlanner.Plan> onCommit;
  private final Map<UUID, Chain> chains = new HashMap<>();

  ChainWriters(LedgerStore store, int maxBatch, int depth, Consumer<BatchPlanner.Plan> onCommit) {
    this.store = store;
    this.maxBatch = maxBatch;
    this.depth = depth;
    this.onCommit = onCommit;
  }

  Future<AppendResult> submit(PreparedAppend request) {
    Promise<AppendResult> promise = Promise.promise();
    Chain chain = chains.computeIfAbsent(request.request.tenantId(), Chain::new);
    chain.touched = true;
    chain.queue.add(new Pending(request, promise));
    // An idle chain writes at once. Behind a batch in flight, appends wait for the next moment a
    // batch may start (the one ahead planned, or one settled) and go together: starting one on the
    // first append to arrive would send it alone in a transaction of its own.
    if (chain.inFlight.isEmpty()) {
      writeNext(chain);
    }
    return promise.future();
  }

  private void writeNext(Chain chain) {
    if (chain.queue.isEmpty() || chain.planning || chain.draining || chain.inFlight.size() >= depth) {
      return;
    }
    List<Pending> pending = new ArrayList<>(Math.min(chain.queue.size(), maxBatch));
    while (!chain.queue.isEmpty() && pending.size() < maxBatch) {
      pending.add(chain.queue.poll());
    }
    Batch batch = new Batch(pending);
    Future<Void> ahead = chain.inFlight.isEmpty() ? Future.succeededFuture() : chain.inFlight.peekLast().settled;
    Future<BatchPlanner.Plan> started;
    try {
      LedgerStore.Start after = chain.inFlight.isEmpty() ? null : startAfter(chain.inFlight);
      chain.inFlight.add(batch);
      chain.planning = true;
      started = store.appendBatch(chain.tenantId, pending.stream().map(Pending::request).toList(), after,
          chain.known, plan -> {
            if (batch.failedToStart) {
              return;
            }
            batch.plan = plan;
            chain.planning = false;
            writeNext(chain);
          });
    } catch (RuntimeException e) {
      // a fault of this writer before anything of the batch was sent: the batch fails by itself, settling in its
      // turn like any failed batch (its appends answered, the chain drained), so the chain does not stall and the
      // batch ahead, which may be running this from its plan, keeps its own outcome
      LOG.error("Ledger of tenant {}: the writer could not start a batch of {} append(s)", chain.tenantId,
          pending.size(), e);
      batch.failedToStart = true;
      if (!chain.inFlight.contains(batch)) {
        chain.inFlight.add(batch);
      }
      chain.draining = true; // nothing starts behind it until it has settled
      // failed on the loop's next turn, not now: with nothing in flight it would settle at once and start the next
      // batch from inside this call, one call deeper for every batch a fault that repeats refuses
      Promise<BatchPlanner.Plan> failed = Promise.promise();
      Context context = Vertx.currentContext();
      if (context == null) {
        failed.fail(e);
      } else {
        context.runOnContext(v -> failed.fail(e));
      }
      started = failed.future();
    }
    Future<BatchPlanner.Plan> written = started;
    // answer in commit order: a batch settles only after the one ahead of it has
    batch.settled = ahead.transform(x -> written.transform(result -> {
      settle(chain, batch, result.succeeded() ? result.result() : null, result.cause());
      return Future.<Void>succeededFuture();
    }));
  }

  private void settle(Chain chain, Batch batch, BatchPlanner.Plan plan, Throwable failure) {
    chain.inFlight.remove(batch);
    if (batch.plan == null) {
      chain.planning = false; // it failed before it was planned
    }
    if (failure == null) {
      for (int i = 0; i < batch.pending.size(); i++) {
        BatchPlanner.Outcome o = plan.outcomes().get(i);
        if (o.accepted()) {
          batch.pending.get(i).promise().complete(o.result());
        } else {
          batch.pending.get(i).promise().fail(o.refusal());
        }
      }
      chain.known.committed(plan);
      onCommit.accept(plan);
    } else if (LedgerStore.headMoved(failure)) {
      // planned on a head that never came to be (the batch ahead failed, or another node wrote):
      // nothing of it was written, so write it again from the head as it is
      chain.draining = true;
      for (Pending p : batch.pending) {
        if (++p.attempts > MAX_ATTEMPTS) {
          LOG.error("Ledger append refused after {} batches that were not written: {}", MAX_ATTEMPTS,
              failure.getMessage());
          p.promise().tryFail(failure);
        } else {
          chain.retry.add(p);
        }
      }
    } else {
      if (LedgerStore.broken(failure)) {
        // every balance and block is written with its chain's head: stored balances that are not what the batch
        // was planned on, or a block beyond the head, are a fault (tampering, a trigger), never a race; nothing
        // of the batch was written
        LOG.error("Ledger batch of {} append(s) refused: {}", batch.pending.size(), failure.getMessage());
      }
      chain.draining = true;
      batch.pending.forEach(p -> p.promise().tryFail(failure));
    }
    if (failure != null) {
      // the head and balances this writer expected never came to be
      chain.known.drop();
    }
    if (chain.draining && chain.inFlight.isEmpty()) {
      chain.draining = false;
      for (int i = chain.retry.size() - 1; i >= 0; i--) {
        chain.queue.addFirst(chain.retry.get(i));
      }
      chain.retry.clear();
    }
    writeNext(chain);
  }

  /**
   * Forgets the chains that received no append since the last call and have nothing queued, in flight or to write
   * again: what a chain keeps (its remembered balances, up to {@link KnownBalances#LIMIT}) is worth keeping only
   * while it writes, and a node serves chains that come and go. A chain forgotten and written again starts as a
   * new one: it reads its head and balances from the database. Answers how many were forgotten.
   */
  int forgetIdle() {
    int before = chains.size();
    chains.values().removeIf(c -> {
      boolean idle = !c.touched && c.queue.isEmpty() && c.inFlight.isEmpty() && c.retry.isEmpty();
      c.touched = false;
      return idle;
    });
    return before - chains.size();
  }

  /** The head, keys and balances the batches in flight leave behind them. */
  private static LedgerStore.Start startAfter(Deque<Batch> inFlight) {
    Map<String, BatchPlanner.Existing> keys = new HashMap<>();
    Map<Posting.BalanceKey, BigDecimal> balances = new HashMap<>();
    BatchPlanner.Plan last = null;
    for (Batch b : inFlight) {
      last = b.plan;
      for (int i = 0; i < b.pending.size(); i++) {
        AppendRequest r = b.pending.get(i).request().request;
        BatchPlanner.Outcome o = last.outcomes().get(i);
        if (r.idempotencyKey() != null && o.accepted() && !o.result().replayed()) {
          keys.put(r.idempotencyKey(), new BatchPlanner.Existing(o.result(), r.requestHash()));
        }
      }
      balances.putAll(last.balances());
    }
    return new LedgerStore.Start(last.headSeq(), last.headHash(), keys, balances);
  }
}

package io.keyway.ledger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Group commit, one queue per chain, confined to the ledger verticle's event loop. An append to an
 * idle chain is written at once; appends arriving while a batch is being written wait and go
 * together in the next transaction (at most {@code maxBatch}). Under light load that is one entry
 * per transaction with no added wait; under heavy load the batches grow by themselves.
 */
final class ChainWriters {
  private record Pending(AppendRequest request, Promise<AppendResult> promise) {}

  private final class Chain {
    final UUID tenantId;
    final Deque<Pending> queue = new ArrayDeque<>();
    boolean writing;

    Chain(UUID tenantId) {
      this.tenantId = tenantId;
    }
  }

  private final LedgerStore store;
  private final int maxBatch;
  private final Consumer<BatchPlanner.Plan> onCommit;
  private final Map<UUID, Chain> chains = new HashMap<>();

  ChainWriters(LedgerStore store, int maxBatch, Consumer<BatchPlanner.Plan> onCommit) {
    this.store = store;
    this.maxBatch = maxBatch;
    this.onCommit = onCommit;
  }

  Future<AppendResult> submit(AppendRequest request) {
    Promise<AppendResult> promise = Promise.promise();
    Chain chain = chains.computeIfAbsent(request.tenantId(), Chain::new);
    chain.queue.add(new Pending(request, promise));
    if (!chain.writing) {
      writeNext(chain);
    }
    return promise.future();
  }

  private void writeNext(Chain chain) {
    if (chain.queue.isEmpty()) {
      chain.writing = false;
      return;
    }
    chain.writing = true;
    List<Pending> batch = new ArrayList<>(Math.min(chain.queue.size(), maxBatch));
    while (!chain.queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(chain.queue.poll());
    }
    store.appendBatch(chain.tenantId, batch.stream().map(Pending::request).toList())
        .onSuccess(plan -> {
          for (int i = 0; i < batch.size(); i++) {
            BatchPlanner.Outcome o = plan.outcomes().get(i);
            if (o.accepted()) {
              batch.get(i).promise().complete(o.result());
            } else {
              batch.get(i).promise().fail(o.refusal());
            }
          }
          onCommit.accept(plan);
        })
        .onFailure(e -> batch.forEach(p -> p.promise().tryFail(e)))
        .onComplete(x -> writeNext(chain));
  }
}

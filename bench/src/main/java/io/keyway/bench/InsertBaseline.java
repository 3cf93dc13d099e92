package io.keyway.bench;

import io.keyway.ledger.BatchPlanner;
import io.keyway.ledger.StoredEntry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The limit on this machine: the rows the ledger stores for the same appends, inserted with plain
 * {@code INSERT}s straight through the runtime pool, and nothing else: no hashing (the texts and
 * hashes are computed before the phase), no idempotency lookups, no head, no balances, no tenant
 * scope. Each batch is one block row (its entries' texts, hashes and filter columns in arrays) and
 * the rows of its keyed entries, in tables shaped like the ledger's ({@link
 * BenchSql#BASELINE_SCHEMA}), in one transaction per batch, the two inserts pipelined as the ledger
 * pipelines its own. As many writers as group commit has transactions in flight: {@code
 * LedgerVerticle.PIPELINE_DEPTH} per chain, each writer with one transaction in flight.
 */
final class InsertBaseline {
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /**
   * {@code -Dbench.baselineKeys=sequential}: idempotency keys that ascend, as the baseline wrote them
   * before session 6 (docs/decisions/0016-ledger-append-loops.md). By default the keys are random
   * UUID texts, as the ledger's (the clients') keys are: an ascending key goes to the index's
   * rightmost page without a search, a random one costs a descent and a page of its own, about three
   * times the CPU a row on a large index, so ascending keys were not "the same rows".
   */
  static final boolean SEQUENTIAL_KEYS = "sequential".equals(System.getProperty("bench.baselineKeys", "random"));
  /** Distinct precomputed rows the batches cycle through; even, so deposits and records alternate. */
  static final int TEMPLATES = 4096;
  /**
   * One batch as one block row, as the ledger writes it (the block insert in {@code ledger.write_batch}, V11): the texts
   * sent as their UTF-8 bytes and made text in the server.
   */
  private static final String BLOCK_INSERT = "INSERT INTO baseline.blocks (" + BenchSql.BLOCK_COLUMNS + ") VALUES "
      + "($1, $2, $3, $4, $5, ARRAY(SELECT convert_from(t.c, 'UTF8') FROM unnest($6::bytea[]) WITH ORDINALITY "
      + "AS t(c, i) ORDER BY t.i), $7, $8, $9, $10)";

  /** One precomputed entry: what its block stores of it, ready to bind. */
  private record Row(String kind, UUID userId, UUID accountId, boolean hasKey, Buffer requestHash,
      OffsetDateTime createdAt, Buffer canonical, byte[] hash) {}

  /** What the writers saw: rows committed, failed transactions, and the transaction latencies. */
  record Outcome(long rows, long failedTransactions, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis) {}

  private final Vertx vertx;
  private final Pool pool;
  private final List<Row> rows;

  private InsertBaseline(Vertx vertx, Pool pool, List<Row> rows) {
    this.vertx = vertx;
    this.pool = pool;
    this.rows = rows;
  }

  /** Creates the baseline tables (as the owner) and computes the rows with the ledger's planner. */
  static InsertBaseline prepare(Vertx vertx, Pool pool, Connection owner) throws SQLException {
    try (Statement s = owner.createStatement()) {
      for (String ddl : BenchSql.BASELINE_SCHEMA) {
        s.execute(ddl);
      }
    }
    PlannedChain chain = new PlannedChain(new EntryMix(UUID.randomUUID(), 7));
    BatchPlanner.Plan plan = chain.nextBatch(TEMPLATES);
    List<Row> rows = new ArrayList<>(TEMPLATES);
    for (StoredEntry e : plan.entries()) {
      rows.add(new Row(e.kind(), e.userId(), e.accountId(), e.idempotencyKey() != null,
          e.requestHash() == null ? null : Buffer.buffer(HexFormat.of().parseHex(e.requestHash())),
          e.createdAt().atOffset(ZoneOffset.UTC), Buffer.buffer(e.canonicalUtf8()), e.hash()));
    }
    return new InsertBaseline(vertx, pool, rows);
  }

  /** Blocking: {@code writers} closed loops of {@code batchSize}-row transactions for {@code duration}. */
  Outcome run(int writers, int batchSize, Duration duration) throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<Outcome> outcome = Promise.promise();
    context.runOnContext(v -> new Phase(writers, batchSize, duration).start().onComplete(outcome));
    return Await.result(outcome.future(), duration.plus(AppendLoad.DRAIN_LIMIT));
  }

  /** One phase's writers and counters; touched only on its context's event loop. */
  private final class Phase {
    private final int batchSize;
    private final int writers;
    private final long start = System.nanoTime();
    private final long deadline;
    private final long idPrefix = new SecureRandom().nextLong();
    /** Random keys without SecureRandom's cost, shaped as the mix's; one generator's longs never repeat. */
    private final SplittableRandom keyBits = new SplittableRandom(idPrefix);
    private final Histogram latencyNanos = new Histogram(HIGHEST_TRACKED_NANOS, 3);
    private long nextId;
    private long committedRows;
    private long failed;
    private String firstFailure;

    Phase(int writers, int batchSize, Duration duration) {
      this.writers = writers;
      this.batchSize = batchSize;
      this.deadline = start + duration.toNanos();
    }

    Future<Outcome> start() {
      List<Future<Void>> loops = new ArrayList<>(writers);
      for (int w = 0; w < writers; w++) {
        Promise<Void> done = Promise.promise();
        writeNext(new Writer(UUID.randomUUID(), (w * (TEMPLATES / writers)) & ~1), done);
        loops.add(done.future());
      }
      return Future.all(loops).map(x -> new Outcome(committedRows, failed, firstFailure,
          Duration.ofNanos(System.nanoTime() - start), latencyNanos.getValueAtPercentile(50) / 1e6,
          latencyNanos.getValueAtPercentile(99) / 1e6));
    }

    private void writeNext(Writer writer, Promise<Void> done) {
      if (System.nanoTime() >= deadline) {
        done.complete();
        return;
      }
      Batch batch = writer.nextBatch();
      long sent = System.nanoTime();
      pool.withTransaction(c -> insert(c, batch)).onComplete(result -> {
        if (result.succeeded()) {
          committedRows += batchSize;
          latencyNanos.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_TRACKED_NANOS));
          writeNext(writer, done);
        } else {
          failed++;
          if (firstFailure == null) {
            firstFailure = result.cause().getMessage();
          }
          vertx.setTimer(1, t -> writeNext(writer, done));
        }
      });
    }

    private Future<Void> insert(SqlConnection c, Batch batch) {
      List<Future<?>> writes = new ArrayList<>(2);
      writes.add(c.preparedQuery(BLOCK_INSERT).execute(batch.block()));
      if (batch.keys() != null) {
        writes.add(c.preparedQuery(BenchSql.BASELINE_KEYS_INSERT).execute(batch.keys()));
      }
      return Future.all(writes).mapEmpty();
    }

    /** One chain's blocks: its own tenant, consecutive seqs, fresh idempotency keys. */
    private final class Writer {
      private final UUID tenantId;
      private int cursor;
      private long seq;

      Writer(UUID tenantId, int cursor) {
        this.tenantId = tenantId;
        this.cursor = cursor;
      }

      Batch nextBatch() {
        long first = seq + 1;
        Buffer hashes = Buffer.buffer(batchSize * 32);
        Buffer[] canonicals = new Buffer[batchSize];
        OffsetDateTime[] times = new OffsetDateTime[batchSize];
        String[] kinds = new String[batchSize];
        UUID[] users = new UUID[batchSize];
        UUID[] accounts = new UUID[batchSize];
        List<String> keys = new ArrayList<>();
        List<Long> keySeqs = new ArrayList<>();
        List<Buffer> requestHashes = new ArrayList<>();
        byte[] prevHash = rows.get((cursor + rows.size() - 1) % rows.size()).hash();
        for (int i = 0; i < batchSize; i++) {
          Row r = rows.get(cursor);
          cursor = (cursor + 1) % rows.size();
          seq++;
          hashes.appendBytes(r.hash());
          canonicals[i] = r.canonical();
          times[i] = r.createdAt();
          kinds[i] = r.kind();
          users[i] = r.userId();
          accounts[i] = r.accountId();
          if (r.hasKey()) {
            keys.add((SEQUENTIAL_KEYS ? new UUID(idPrefix, nextId++) : new UUID(keyBits.nextLong(), keyBits.nextLong()))
                .toString());
            keySeqs.add(seq);
            requestHashes.add(r.requestHash());
          }
        }
        Tuple block = Tuple.from(List.of(tenantId, first, seq, Buffer.buffer(prevHash), hashes, canonicals, times,
            kinds, users, accounts));
        Tuple keyRows = keys.isEmpty() ? null : Tuple.of(tenantId, keys.toArray(String[]::new),
            keySeqs.toArray(Long[]::new), requestHashes.toArray(Buffer[]::new));
        return new Batch(block, keyRows);
      }
    }
  }

  private record Batch(Tuple block, Tuple keys) {}
}

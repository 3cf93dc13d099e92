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
import io.vertx.sqlclient.data.Numeric;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The limit on this machine: the rows the ledger writes for the same appends, inserted with plain
 * multi-row {@code INSERT … VALUES} straight through the runtime pool, and nothing else: no hashing
 * (the rows are computed before the phase), no idempotency lookups, no head, no balances, no tenant
 * scope. Entries and their postings go to tables shaped like the ledger's ({@link
 * BenchSql#BASELINE_SCHEMA}) in one transaction per batch, the two inserts pipelined as the ledger
 * pipelines its own. As many writers as group commit has transactions in flight: {@code
 * LedgerVerticle.PIPELINE_DEPTH} per chain, each writer with one transaction in flight.
 */
final class InsertBaseline {
  private static final long HIGHEST_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Distinct precomputed rows the batches cycle through; even, so deposits and records alternate. */
  static final int TEMPLATES = 4096;

  /** One precomputed row: its entry columns and its postings' columns, ready to bind. */
  private record Row(String kind, String actor, String subject, UUID userId, UUID accountId, boolean hasKey,
      Buffer requestHash, OffsetDateTime createdAt, String canonical, Buffer prevHash, Buffer hash,
      List<Object[]> postings) {}

  /** What the writers saw: rows committed, failed transactions, and the transaction latencies. */
  record Outcome(long rows, long failedTransactions, String firstFailure, Duration elapsed, double p50Millis,
      double p99Millis) {}

  private final Vertx vertx;
  private final Pool pool;
  private final List<Row> rows;
  private final Map<Integer, String> entryStatements = new HashMap<>();
  private final Map<Integer, String> postingStatements = new HashMap<>();

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
    Map<Long, List<Object[]>> postingsBySeq = new HashMap<>();
    for (BatchPlanner.PostingRow p : plan.postings()) {
      postingsBySeq.computeIfAbsent(p.seq(), k -> new ArrayList<>()).add(new Object[] {(short) p.n(),
          p.posting().account(), p.posting().currency(), Numeric.create(p.posting().amount())});
    }
    List<Row> rows = new ArrayList<>(TEMPLATES);
    for (StoredEntry e : plan.entries()) {
      rows.add(new Row(e.kind(), e.actor(), e.subject(), e.userId(), e.accountId(), e.idempotencyKey() != null,
          e.requestHash() == null ? null : Buffer.buffer(HexFormat.of().parseHex(e.requestHash())),
          e.createdAt().atOffset(ZoneOffset.UTC), e.canonical(), Buffer.buffer(e.prevHash()), Buffer.buffer(e.hash()),
          postingsBySeq.getOrDefault(e.seq(), List.of())));
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
      writes.add(c.preparedQuery(entryStatements.computeIfAbsent(batchSize, BenchSql::baselineEntriesInsert))
          .execute(batch.entries()));
      if (batch.postingRows() > 0) {
        writes.add(c.preparedQuery(postingStatements.computeIfAbsent(batch.postingRows(),
            BenchSql::baselinePostingsInsert)).execute(batch.postings()));
      }
      return Future.all(writes).mapEmpty();
    }

    /** One chain's rows: its own tenant, consecutive seqs, fresh ids and idempotency keys. */
    private final class Writer {
      private final UUID tenantId;
      private int cursor;
      private long seq;

      Writer(UUID tenantId, int cursor) {
        this.tenantId = tenantId;
        this.cursor = cursor;
      }

      Batch nextBatch() {
        List<Object> entries = new ArrayList<>(batchSize * BenchSql.ENTRY_COLUMN_COUNT);
        List<Object> postings = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
          Row r = rows.get(cursor);
          cursor = (cursor + 1) % rows.size();
          seq++;
          UUID id = new UUID(idPrefix, nextId++);
          String key = r.hasKey() ? new UUID(idPrefix, nextId++).toString() : null;
          entries.add(tenantId);
          entries.add(seq);
          entries.add(id);
          entries.add(r.kind());
          entries.add(r.actor());
          entries.add(r.subject());
          entries.add(r.userId());
          entries.add(r.accountId());
          entries.add(key);
          entries.add(r.requestHash());
          entries.add(r.createdAt());
          entries.add(r.canonical());
          entries.add(r.prevHash());
          entries.add(r.hash());
          for (Object[] p : r.postings()) {
            postings.add(tenantId);
            postings.add(seq);
            for (Object column : p) {
              postings.add(column);
            }
          }
        }
        return new Batch(Tuple.wrap(entries), Tuple.wrap(postings),
            postings.size() / BenchSql.POSTING_COLUMN_COUNT);
      }
    }
  }

  private record Batch(Tuple entries, Tuple postings, int postingRows) {}
}

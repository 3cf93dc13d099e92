package io.keyway.ledger;

import io.keyway.config.db.TenantScope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one batch of one chain in one transaction: lock the head (unless the batches ahead give
 * it), look up reused idempotency keys and the balances the writer does not remember, let {@link
 * BatchPlanner} decide, then move the head, insert the batch as one block row and its keyed
 * entries' rows with one statement each, update the balances that exist and insert the new ones
 * (one statement each). Nothing is answered before the
 * commit. The transaction is scoped to the tenant exactly as {@code TenantScope.inTenant} scopes
 * its own.
 */
final class LedgerStore {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerStore.class);
  private final TenantScope db;
  private final EntryIds ids = new EntryIds();

  LedgerStore(TenantScope db) {
    this.db = db;
  }

  /**
   * Where a batch starts when the writer plans it before the batches ahead of it have committed:
   * the head they will leave, and the idempotency keys and balances they write, which this batch's
   * lookups may not see yet.
   */
  record Start(long seq, byte[] hash, Map<String, BatchPlanner.Existing> keys,
      Map<Posting.BalanceKey, BigDecimal> balances) {}

  /**
   * Whether the batch may have been stored although it failed: its {@code COMMIT} was sent and not answered (the
   * connection lost, a timeout). Every other failure left nothing written: an error the server answered rolls the
   * transaction back (the {@code COMMIT} behind it included), a transaction whose {@code COMMIT} was never sent
   * commits nothing, and a batch's writes are one statement ({@link LedgerSql#WRITE_BATCH}), whole or not at all.
   */
  static boolean outcomeUnknown(Throwable e) {
    return e instanceof OutcomeUnknown;
  }

  private static final class OutcomeUnknown extends RuntimeException {
    OutcomeUnknown(String what, Throwable cause) {
      super(what + ": " + cause.getMessage(), cause, false, false);
    }
  }

  /** The failure of a batch planned on a head that its predecessor did not leave: nothing was written. */
  static boolean headMoved(Throwable e) {
    return e instanceof PgException pg && "40001".equals(pg.getSqlState());
  }

  /**
   * Whether {@code e} is {@code ledger.balances_updated} refusing a batch whose balances were not what it
   * was planned on (SQLSTATE XX001): a fault to report, not a race to retry, since every balance is
   * written under its chain's head lock.
   */
  static boolean balancesDiffered(Throwable e) {
    return e instanceof PgException pg && "XX001".equals(pg.getSqlState());
  }

  /**
   * A chain whose stored rows disagree with each other (balances, blocks beyond the head): a fault to report.
   */
  static boolean broken(Throwable e) {
    return e instanceof ChainBroken || balancesDiffered(e);
  }

  private static final class ChainBroken extends RuntimeException {
    ChainBroken(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Two round trips. First {@code BEGIN}, the tenant scope and both lookups go out pipelined on one
   * connection, behind the head lock when {@code after} is null (PostgreSQL runs them in order, so
   * the lookups see everything committed before the lock was granted), and {@code hold_start}, which
   * holds the seq the plan will start from until the transaction ends. Then the batch's one write
   * ({@link LedgerSql#WRITE_BATCH}) and {@code COMMIT} go out pipelined; the write starts with {@code
   * ledger.advance_head}, which waits for the batches ahead (still committing, or not yet at the head)
   * and fails the transaction unless the head is where the plan started. A write that fails aborts the
   * transaction, so the {@code COMMIT} behind it rolls back, and the batch fails with that write's
   * error. {@code planned} is told the plan as soon as its write is sent;
   * the returned future completes only after the commit.
   *
   * <p>Balances in {@code known}, which the chain's writer knows as stored, are not looked up again while
   * the head is where they were left; a batch with nothing ahead of it that finds the head elsewhere
   * drops them before it is planned, and reads those balances too (one round trip more).
   */
  Future<BatchPlanner.Plan> appendBatch(UUID tenantId, List<PreparedAppend> batch, Start after, KnownBalances known,
      Consumer<BatchPlanner.Plan> planned) {
    return db.pool().getConnection()
        .compose(c -> appendBatch(c, tenantId, batch, after, known, planned).eventually(c::close));
  }

  private Future<BatchPlanner.Plan> appendBatch(SqlConnection c, UUID tenantId, List<PreparedAppend> batch, Start after,
      KnownBalances known, Consumer<BatchPlanner.Plan> planned) {
    List<Future<?>> reads = new ArrayList<>();
    reads.add(c.query(LedgerSql.BATCH_BEGIN).execute());
    reads.add(c.preparedQuery(LedgerSql.BATCH_SCOPE).execute(Tuple.of(tenantId.toString())));
    Future<Row> head = null;
    if (after == null) {
      reads.add(c.preparedQuery(LedgerSql.HEAD_ENSURE).execute(Tuple.of(tenantId, Buffer.buffer(HashChain.GENESIS))));
      head = c.preparedQuery(LedgerSql.HEAD_FOR_BATCH).execute(Tuple.of(tenantId)).map(rows -> {
        Row row = rows.iterator().next();
        if (row.getBoolean("blocks_beyond")) {
          throw new ChainBroken("a block of tenant " + tenantId + "'s chain reaches beyond its head at seq "
              + row.getLong("seq") + ": stored rows disagree, nothing is appended");
        }
        return row;
      });
      reads.add(head);
    }
    // the seq this batch moves the head from, held until it ends (with nothing ahead, the head it has locked): a
    // batch planned behind it waits on that, since this one takes the head's row lock only when it moves it
    reads.add(c.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(tenantId, after == null ? null : after.seq())));
    // looked up every time: a key used before must be answered from its entry before anything about the
    // request is decided (a repeated withdrawal would otherwise be refused for the funds it took itself)
    Future<Map<String, BatchPlanner.Existing>> existing = existing(c, tenantId, batch);
    // the balances the batches ahead leave come with them; the ones this writer knows, from memory
    Map<Posting.BalanceKey, BigDecimal> remembered = new HashMap<>();
    Set<Posting.BalanceKey> unknown = new LinkedHashSet<>();
    for (PreparedAppend r : batch) {
      for (Posting p : r.request.postings()) {
        Posting.BalanceKey key = p.key();
        if (after != null && after.balances().containsKey(key)) {
          continue;
        }
        BigDecimal amount = known.get(key);
        if (amount != null) {
          remembered.put(key, amount);
        } else {
          unknown.add(key);
        }
      }
    }
    Future<Map<Posting.BalanceKey, BigDecimal>> balances = balances(c, tenantId, unknown);
    reads.add(existing);
    reads.add(balances);
    Future<Row> locked = head;
    return Future.all(reads)
        .compose(read -> {
          long fromSeq = after == null ? locked.result().getLong("seq") : after.seq();
          byte[] fromHash = after == null ? locked.result().getBuffer("hash").getBytes() : after.hash();
          if (after == null && !known.isEmpty() && !known.at(fromSeq, fromHash)) {
            // the chain moved without this writer: what it remembers is stale, for the batches behind too
            known.drop();
            if (!remembered.isEmpty()) {
              Set<Posting.BalanceKey> stale = remembered.keySet();
              return balances(c, tenantId, stale).map(fresh -> {
                Map<Posting.BalanceKey, BigDecimal> all = new HashMap<>(balances.result());
                all.putAll(fresh);
                return all;
              }).compose(amounts -> planAndWrite(c, tenantId, batch, null, fromSeq, fromHash,
                  existing.result(), amounts, planned));
            }
          }
          Map<Posting.BalanceKey, BigDecimal> amounts = remembered;
          amounts.putAll(balances.result());
          return planAndWrite(c, tenantId, batch, after, fromSeq, fromHash, existing.result(), amounts, planned);
        })
        .recover(e -> e instanceof Ended ? Future.failedFuture(e.getCause())
            : c.query("ROLLBACK").execute().transform(x -> Future.failedFuture(e)));
  }

  /** Plans the batch on the head and state read (and those the batches ahead leave), then writes and commits it. */
  private Future<BatchPlanner.Plan> planAndWrite(SqlConnection c, UUID tenantId, List<PreparedAppend> batch,
      Start after, long fromSeq, byte[] fromHash, Map<String, BatchPlanner.Existing> keys,
      Map<Posting.BalanceKey, BigDecimal> amounts, Consumer<BatchPlanner.Plan> planned) {
    if (after != null) {
      keys = new HashMap<>(keys);
      keys.putAll(after.keys());
      amounts = new HashMap<>(amounts);
      amounts.putAll(after.balances());
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    BatchPlanner.Plan plan = BatchPlanner.planPrepared(tenantId, fromSeq, fromHash, keys, amounts, batch, now,
        ids::next);
    Future<Void> committed = writeAndCommit(c, tenantId, fromSeq, fromHash, plan, amounts);
    try {
      planned.accept(plan);
    } catch (RuntimeException e) {
      // the write and COMMIT are sent: whatever the writer did wrong with the plan, the batch's outcome is the
      // COMMIT's. Failing it here would send a ROLLBACK behind the COMMIT and tell callers whose entries may be
      // durable that they were not.
      LOG.error("Ledger of tenant {}: the writer failed on a batch whose COMMIT was sent; the batch stands as its "
          + "COMMIT answers", tenantId, e);
    }
    return committed.map(plan);
  }

  private static Future<Map<String, BatchPlanner.Existing>> existing(SqlConnection c, UUID tenantId,
      List<PreparedAppend> batch) {
    Set<String> distinct = new LinkedHashSet<>();
    for (PreparedAppend p : batch) {
      if (p.request.idempotencyKey() != null) {
        distinct.add(p.request.idempotencyKey());
      }
    }
    String[] keys = distinct.toArray(String[]::new);
    if (keys.length == 0) {
      return Future.succeededFuture(Map.of());
    }
    return c.preparedQuery(LedgerSql.ENTRIES_BY_KEYS).execute(Tuple.of(tenantId, (Object) keys)).map(rows -> {
      Map<String, BatchPlanner.Existing> out = new HashMap<>();
      for (Row r : rows) {
        String key = r.getString("idempotency_key");
        long seq = r.getLong("seq");
        String text = r.getString("canonical");
        JsonObject canonical = text == null ? null : new JsonObject(text);
        // the key's row must point at the entry that carries the key: anything else is tampering, and the
        // append that carries the key is refused (its batch-mates are not)
        if (canonical == null || !key.equals(canonical.getString("idempotencyKey"))
            || !Long.valueOf(seq).equals(canonical.getLong("seq"))) {
          LOG.error("Ledger of tenant {}: the idempotency key row of seq {} does not match its entry", tenantId, seq);
          out.put(key, BatchPlanner.Existing.UNREADABLE);
          continue;
        }
        Buffer requestHash = r.getBuffer("request_hash");
        AppendResult result = new AppendResult(UUID.fromString(canonical.getString("id")), seq,
            HexFormat.of().formatHex(r.getBuffer("hash").getBytes()), canonical.getString("createdAt"),
            canonical.getJsonObject("payload"), true);
        out.put(key, new BatchPlanner.Existing(result,
            requestHash == null ? null : HexFormat.of().formatHex(requestHash.getBytes())));
      }
      return out;
    });
  }

  private static Future<Map<Posting.BalanceKey, BigDecimal>> balances(SqlConnection c, UUID tenantId,
      Set<Posting.BalanceKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String[] accounts = keys.stream().map(Posting.BalanceKey::account).toArray(String[]::new);
    String[] currencies = keys.stream().map(Posting.BalanceKey::currency).toArray(String[]::new);
    return c.preparedQuery(LedgerSql.BALANCES_FOR).execute(Tuple.of(tenantId, accounts, currencies)).map(rows -> {
      Map<Posting.BalanceKey, BigDecimal> out = new HashMap<>();
      rows.forEach(r -> out.put(new Posting.BalanceKey(r.getString("account"), r.getString("currency")),
          r.getBigDecimal("amount")));
      return out;
    });
  }

  /**
   * {@code stored}: the balances that exist when the writes run, with the amounts the plan started
   * from (the lookup found them, or the batches ahead wrote them and {@code advance_head} waits for
   * those to commit first): each is updated in place only if it still holds that amount; the rest of
   * the plan's balances are new rows.
   */
  private static Future<Void> writeAndCommit(SqlConnection c, UUID tenantId, long fromSeq, byte[] fromHash,
      BatchPlanner.Plan plan, Map<Posting.BalanceKey, BigDecimal> stored) {
    Object[] args = new Object[21];
    args[0] = tenantId;
    args[1] = fromSeq;
    args[2] = Buffer.buffer(fromHash);
    args[3] = plan.headSeq();
    args[4] = Buffer.buffer(plan.headHash());
    if (!plan.entries().isEmpty()) {
      blockArgs(args, 5, plan.entries());
      keysArgs(args, 11, plan.entries());
      List<Map.Entry<Posting.BalanceKey, BigDecimal>> updated = new ArrayList<>();
      List<Map.Entry<Posting.BalanceKey, BigDecimal>> created = new ArrayList<>();
      for (Map.Entry<Posting.BalanceKey, BigDecimal> e : plan.balances().entrySet()) {
        (stored.containsKey(e.getKey()) ? updated : created).add(e);
      }
      if (!updated.isEmpty()) {
        Numeric[] before = new Numeric[updated.size()];
        for (int i = 0; i < before.length; i++) {
          before[i] = Numeric.create(stored.get(updated.get(i).getKey()));
        }
        balancesArgs(args, 14, updated);
        args[17] = before;
      }
      if (!created.isEmpty()) {
        balancesArgs(args, 18, created);
      }
    }
    // one statement, even for a batch that writes nothing: its answers (replays) may rest on a predecessor, which
    // advance_head waits for. (Until session 15 the head's move and the four writes were five statements, and V9 and
    // V10 made the server refuse to commit some without the others; decision 0016.)
    List<Future<?>> writes = new ArrayList<>();
    writes.add(c.preparedQuery(LedgerSql.WRITE_BATCH).execute(Tuple.from(args)));
    return commit(c, tenantId, writes);
  }

  /**
   * Sends {@code COMMIT} behind {@code writes}. A failure is reported only once the {@code COMMIT} has completed too,
   * as {@link Ended}: answered, it ended the transaction (a rollback, in an aborted one); unanswered, the connection is
   * gone. Either way the batch must not send a {@code ROLLBACK} after it, which the server would log as a warning
   * (25P01) for every failed batch. What the failure carries, by what the server said: an error it answered (nothing
   * was written); no answer to the {@code COMMIT} ({@link OutcomeUnknown}); or no error from it at all while a write
   * failed in this client before it was sent. A batch's writes are one statement ({@link LedgerSql#WRITE_BATCH}), so in
   * the last case none of them reached the server: nothing of the batch was written. (A new chain's first batch may still commit
   * the head row at seq 0 it made with {@code HEAD_ENSURE}, which any later batch would make the same.)
   */
  private static Future<Void> commit(SqlConnection c, UUID tenantId, List<Future<?>> writes) {
    Future<?> commit = c.query("COMMIT").execute();
    writes.add(commit);
    return Future.all(writes).<Void>mapEmpty()
        .recover(e -> commit.transform(x -> {
          // every write ahead of the COMMIT has completed by now: its answers come in order
          for (Future<?> w : writes) {
            if (w.failed() && w.cause() instanceof PgException refused) {
              return Future.failedFuture(new Ended(refused));
            }
          }
          if (x.failed()) {
            return Future.failedFuture(new Ended(new OutcomeUnknown("no answer to the batch's COMMIT", e)));
          }
          LOG.error("Ledger of tenant {}: a batch's write failed in this client before it was sent; the server "
              + "committed nothing of the batch", tenantId, e);
          return Future.failedFuture(new Ended(e));
        }));
  }

  /** A batch's failure once its {@code COMMIT} has completed: nothing left to roll back; carries the failure. */
  private static final class Ended extends RuntimeException {
    Ended(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private static void balancesArgs(Object[] args, int at, List<Map.Entry<Posting.BalanceKey, BigDecimal>> balances) {
    int n = balances.size();
    String[] accounts = new String[n];
    String[] currencies = new String[n];
    Numeric[] amounts = new Numeric[n];
    for (int i = 0; i < n; i++) {
      Map.Entry<Posting.BalanceKey, BigDecimal> e = balances.get(i);
      accounts[i] = e.getKey().account();
      currencies[i] = e.getKey().currency();
      amounts[i] = Numeric.create(e.getValue());
    }
    args[at] = accounts;
    args[at + 1] = currencies;
    args[at + 2] = amounts;
  }

  /**
   * The batch as one block row: one array per column, filled in one pass (this runs for every entry
   * on the ledger's event loop).
   */
  private static void blockArgs(Object[] args, int at, List<StoredEntry> es) {
    int n = es.size();
    Buffer hashes = Buffer.buffer(n * 32);
    Buffer[] canonicals = new Buffer[n];
    String[] kinds = new String[n];
    UUID[] users = new UUID[n];
    UUID[] accounts = new UUID[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    Instant instant = null;
    OffsetDateTime time = null;
    for (int i = 0; i < n; i++) {
      StoredEntry e = es.get(i);
      // a batch is planned at one instant: convert it once (comparing the Instants allocates nothing)
      if (!e.createdAt().equals(instant)) {
        instant = e.createdAt();
        time = instant.atOffset(ZoneOffset.UTC);
      }
      times[i] = time;
      hashes.appendBytes(e.hash());
      canonicals[i] = Buffer.buffer(e.canonicalUtf8()); // the bytes hashed, as they are
      kinds[i] = e.kind();
      users[i] = e.userId();
      accounts[i] = e.accountId();
    }
    args[at] = hashes;
    args[at + 1] = canonicals;
    args[at + 2] = times;
    args[at + 3] = kinds;
    args[at + 4] = users;
    args[at + 5] = accounts;
  }

  /** The keyed entries' rows of the idempotency table, if the batch has any (one pass, no streams). */
  private static void keysArgs(Object[] args, int at, List<StoredEntry> es) {
    int n = 0;
    for (StoredEntry e : es) {
      if (e.idempotencyKey() != null) {
        n++;
      }
    }
    if (n == 0) {
      return;
    }
    String[] keys = new String[n];
    Long[] seqs = new Long[n];
    Buffer[] requestHashes = new Buffer[n];
    int i = 0;
    for (StoredEntry e : es) {
      if (e.idempotencyKey() != null) {
        keys[i] = e.idempotencyKey();
        seqs[i] = e.seq();
        requestHashes[i++] = requestHash(e);
      }
    }
    args[at] = keys;
    args[at + 1] = seqs;
    args[at + 2] = requestHashes;
  }

  private static Buffer requestHash(StoredEntry e) {
    return e.requestHash() == null ? null : Buffer.buffer(HexFormat.of().parseHex(e.requestHash()));
  }
}

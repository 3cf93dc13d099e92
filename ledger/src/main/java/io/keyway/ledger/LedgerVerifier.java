package io.keyway.ledger;

import io.keyway.config.DbUrl;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.Schemas;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Verifies a whole chain (blocking: run it on a worker). Reads as the runtime role in read-only
 * transactions scoped to the tenant, so it sees exactly what row level security lets the
 * application see, all as of one snapshot: the first transaction exports it
 * ({@code pg_export_snapshot()}), the others take it up ({@code SET TRANSACTION SNAPSHOT}).
 *
 * <p>A long chain is read as consecutive seq ranges of its blocks at once, one binary {@code COPY}
 * in seq order per range on its own connection, so PostgreSQL works on every core too; each block
 * comes as one {@code COPY} row and is cut into its entries ({@link BinaryCopyReader}). Each entry's
 * own hash and columns are checked on every core (an entry's {@code prev_hash} is in its block, so
 * this needs no neighbour); each range is walked in order on its reading thread ({@link ChainVerifier.Segment});
 * the ranges are then joined in seq order, which names the first bad seq exactly as one walk over
 * the whole chain would.
 */
public final class LedgerVerifier {
  /** Entries handed to a checking thread at a time (whole blocks: one more block at most). */
  private static final int CHUNK = 2_048;
  /** Chunks a range reads ahead of its walk, which bounds the memory a verification holds. */
  private static final int AHEAD = 8;
  /** Connections one verification opens at most. */
  private static final int MAX_RANGES = 4;
  /** Entries a range holds at least: a chain shorter than twice this is read in one range. */
  private static final long MIN_RANGE_ROWS = 50_000;

  private final DbUrl url;
  private final CheckpointSigner signer;

  public LedgerVerifier(DbUrl url, CheckpointSigner signer) {
    this.url = url;
    this.signer = signer;
  }

  public VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint) throws SQLException {
    return verify(tenantId, checkpoint, 0);
  }

  /** With {@code ranges} seq ranges read at once, or as many as the cores and the chain's length suggest if 0. */
  VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint, int ranges) throws SQLException {
    long start = System.nanoTime();
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    ChainVerifier chain = new ChainVerifier(tenantId, checkpoint);
    List<Connection> connections = new ArrayList<>();
    ExecutorService checkers = Executors.newFixedThreadPool(cores, threads("ledger-verify-" + tenantId));
    ExecutorService readers = null;
    try {
      Connection first = open(tenantId, null);
      connections.add(first);
      String snapshot;
      long lastSeq;
      try (Statement s = first.createStatement(); ResultSet rs = s.executeQuery(LedgerSql.chainExtent(tenantId))) {
        rs.next();
        snapshot = rs.getString(1);
        lastSeq = rs.getLong(2);
      }
      int n = ranges > 0 ? ranges
          : (int) Math.max(1, Math.min(Math.min(MAX_RANGES, Math.max(2, cores)), lastSeq / MIN_RANGE_ROWS));
      for (int i = 1; i < n; i++) {
        connections.add(open(tenantId, snapshot));
      }
      readers = Executors.newFixedThreadPool(n, threads("ledger-verify-read-" + tenantId));
      AtomicInteger firstFailed = new AtomicInteger(Integer.MAX_VALUE);
      ThreadLocal<ChainVerifier.Checker> checkerOfThread =
          ThreadLocal.withInitial(() -> new ChainVerifier.Checker(tenantId));
      List<ChainVerifier.Segment> segments = new ArrayList<>();
      List<Future<?>> reads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ChainVerifier.Segment segment = chain.segment();
        segments.add(segment);
        Range range = new Range(i, i == 0 ? null : lastSeq * i / n, i == n - 1 ? null : lastSeq * (i + 1) / n);
        Connection c = connections.get(i);
        reads.add(readers.submit(() -> {
          range.read(c, tenantId, segment, checkers, checkerOfThread, firstFailed);
          return null;
        }));
      }
      for (Future<?> read : reads) {
        await(read, firstFailed);
      }
      return chain.finish(segments, checkpoint, signer, (System.nanoTime() - start) / 1_000_000);
    } finally {
      checkers.shutdownNow();
      if (readers != null) {
        readers.shutdownNow();
      }
      for (Connection c : connections) {
        closeQuietly(c);
      }
    }
  }

  /** A read-only transaction of the runtime role, scoped to the tenant, on the given snapshot or a new one. */
  private Connection open(UUID tenantId, String snapshot) throws SQLException {
    Connection c = DatabaseBootstrap.connect(url);
    try {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      if (snapshot != null) {
        try (PreparedStatement take = c.prepareStatement(LedgerSql.takeSnapshot(snapshot))) {
          take.execute();
        }
      }
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('" + Schemas.TENANT_SETTING + "', ?, true)")) {
        set.setString(1, tenantId.toString());
        set.execute();
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Rows with {@code after < seq <= upTo} (no bound where null), read, checked and walked in order. */
  private record Range(int index, Long after, Long upTo) {
    void read(Connection c, UUID tenantId, ChainVerifier.Segment segment, ExecutorService checkers,
        ThreadLocal<ChainVerifier.Checker> checkerOfThread, AtomicInteger firstFailed) throws SQLException {
      CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(LedgerSql.chainCopy(tenantId, after, upTo));
      Deque<Chunk> ahead = new ArrayDeque<>();
      boolean going = true;
      try {
        BinaryCopyReader reader = new BinaryCopyReader(copy::readFromCopy);
        boolean more = true;
        while (going && more) {
          Chunk chunk = new Chunk(new ChainRows(CHUNK));
          more = reader.fill(chunk.rows);
          if (chunk.rows.size() > 0) {
            ahead.add(chunk.check(checkerOfThread, checkers));
          }
          while (going && (ahead.size() >= AHEAD || (!more && !ahead.isEmpty()))) {
            going = ahead.poll().feed(segment) && firstFailed.get() > index;
          }
        }
        if (!going) {
          firstFailed.accumulateAndGet(index, Math::min);
        }
      } finally {
        if (copy.isActive()) {
          cancel(copy);
        }
      }
    }
  }

  // Stopping at the first bad row cancels the rest of the COPY, which the server reports as an
  // error: the verdict is in by then.
  private static void cancel(CopyOut copy) {
    try {
      copy.cancelCopy();
    } catch (SQLException e) {
      // the connection is closed right after; nothing it would still read matters
    }
  }

  /** Consecutive rows and, once checked, each one's {@link ChainVerifier.Checker#content} verdict. */
  private static final class Chunk {
    final ChainRows rows;
    Future<byte[]> verdicts;

    Chunk(ChainRows rows) {
      this.rows = rows;
    }

    Chunk check(ThreadLocal<ChainVerifier.Checker> checkerOfThread, ExecutorService checkers) {
      verdicts = checkers.submit(() -> {
        ChainVerifier.Checker checker = checkerOfThread.get();
        byte[] out = new byte[rows.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = checker.content(rows, i);
        }
        return out;
      });
      return this;
    }

    /** The rows in order into the walk; false once it found a problem. */
    boolean feed(ChainVerifier.Segment segment) throws SQLException {
      byte[] v = get(verdicts);
      for (int i = 0; i < v.length; i++) {
        if (!segment.accept(rows, i, v[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static <T> T get(Future<T> f) throws SQLException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("verification interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException("checking entries failed: " + e.getCause(), e.getCause());
    }
  }

  /** Waits for one range; if it failed to read, the others stop at their next chunk. */
  private static void await(Future<?> read, AtomicInteger firstFailed) throws SQLException {
    try {
      get(read);
    } catch (SQLException e) {
      firstFailed.set(-1);
      throw e;
    }
  }

  private static ThreadFactory threads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing a read-only transaction loses nothing
    }
  }
}

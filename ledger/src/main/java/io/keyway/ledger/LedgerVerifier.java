package io.keyway.ledger;

import io.keyway.config.DbUrl;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.Schemas;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * Verifies a whole chain (blocking: run it on a worker). Reads as the runtime role inside one
 * read-only transaction scoped to the tenant, so it sees exactly what row level security lets the
 * application see, as of one snapshot. The rows stream in seq order over one binary {@code COPY};
 * each row's own hash and columns are checked on every core (a row carries its stored {@code
 * prev_hash}, so this needs no neighbour), and the links between rows, seq by seq, on this thread
 * in order, which is what names the first bad seq exactly as a walk one row at a time would.
 */
public final class LedgerVerifier {
  /** Rows handed to a checking thread at a time. */
  private static final int CHUNK = 2_048;
  /** Chunks read ahead of the in-order walk, which bounds the memory a verification holds. */
  private static final int AHEAD = 8;

  private final DbUrl url;
  private final CheckpointSigner signer;

  public LedgerVerifier(DbUrl url, CheckpointSigner signer) {
    this.url = url;
    this.signer = signer;
  }

  public VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint) throws SQLException {
    long start = System.nanoTime();
    ChainVerifier chain = new ChainVerifier(tenantId, checkpoint);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService checkers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ledger-verify-" + tenantId);
      t.setDaemon(true);
      return t;
    });
    try (Connection c = DatabaseBootstrap.connect(url)) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('" + Schemas.TENANT_SETTING + "', ?, true)")) {
        set.setString(1, tenantId.toString());
        set.execute();
      }
      walk(c, tenantId, chain, checkers);
      c.rollback();
    } finally {
      checkers.shutdownNow();
    }
    return chain.finish(checkpoint, signer, (System.nanoTime() - start) / 1_000_000);
  }

  private static void walk(Connection c, UUID tenantId, ChainVerifier chain, ExecutorService checkers)
      throws SQLException {
    Deque<Chunk> ahead = new ArrayDeque<>();
    PGCopyInputStream in = new PGCopyInputStream(c.unwrap(PGConnection.class), LedgerSql.chainCopy(tenantId));
    boolean complete = false;
    try {
      BinaryCopyReader rows = new BinaryCopyReader(in);
      Chunk chunk = new Chunk();
      boolean going = true;
      while (going) {
        int fields = rows.startRow();
        if (fields == -1) {
          break;
        }
        if (fields != LedgerSql.CHAIN_COPY_COLUMNS) {
          throw new SQLException("the chain's COPY has " + fields + " columns");
        }
        chunk.rows[chunk.size++] = new ChainVerifier.RawRow(rows.int8(), rows.uuid(), rows.bytesOrNull(),
            rows.bytesOrNull(), rows.bytesOrNull(), rows.uuid(), rows.uuid(), rows.bytesOrNull(), rows.timestamptz(),
            rows.bytesOrNull(), rows.bytesOrNull(), rows.bytesOrNull());
        if (chunk.size == CHUNK) {
          ahead.add(chunk.check(tenantId, checkers));
          chunk = new Chunk();
          if (ahead.size() >= AHEAD) {
            going = ahead.poll().feed(chain);
          }
        }
      }
      if (going && chunk.size > 0) {
        ahead.add(chunk.check(tenantId, checkers));
      }
      while (going && !ahead.isEmpty()) {
        going = ahead.poll().feed(chain);
      }
      complete = going;
    } catch (IOException e) {
      throw new SQLException("reading the chain failed: " + e.getMessage(), e);
    } finally {
      closeCopy(in, complete);
    }
  }

  // Stopping at the first bad row cancels the rest of the COPY, which the server reports as an
  // error: the verdict is in by then, so only a failure to close a finished COPY matters.
  private static void closeCopy(PGCopyInputStream in, boolean complete) throws SQLException {
    try {
      in.close();
    } catch (IOException e) {
      if (complete) {
        throw new SQLException("closing the chain's COPY failed: " + e.getMessage(), e);
      }
    }
  }

  /** Consecutive rows and, once checked, each one's {@link ChainVerifier#content} verdict. */
  private static final class Chunk {
    final ChainVerifier.RawRow[] rows = new ChainVerifier.RawRow[CHUNK];
    int size;
    Future<byte[]> verdicts;

    Chunk check(UUID tenantId, ExecutorService checkers) {
      verdicts = checkers.submit(() -> {
        MessageDigest sha = HashChain.sha256();
        CanonicalShape shape = new CanonicalShape();
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
          out[i] = ChainVerifier.content(tenantId, rows[i], sha, shape);
        }
        return out;
      });
      return this;
    }

    /** The rows in order into the walk; false once it found a problem. */
    boolean feed(ChainVerifier chain) throws SQLException {
      byte[] v;
      try {
        v = verdicts.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("verification interrupted", e);
      } catch (ExecutionException e) {
        throw new SQLException("checking entries failed: " + e.getCause(), e.getCause());
      }
      for (int i = 0; i < size; i++) {
        if (!chain.accept(rows[i], v[i])) {
          return false;
        }
      }
      return true;
    }
  }
}

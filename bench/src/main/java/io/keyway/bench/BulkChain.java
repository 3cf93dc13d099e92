package io.keyway.bench;

import io.keyway.ledger.HashChain;
import io.keyway.ledger.StoredEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Builds a long valid chain fast, for timing verification. The entries' contents come from {@value
 * #TEMPLATES} appends of the usual mix planned by the ledger's own planner ({@link PlannedChain}), so
 * the canonical text has the real shapes and sizes; each entry is then sealed with {@link
 * StoredEntry#seal} under its own seq, id, idempotency key and time, chained after the previous one,
 * and streamed into {@code ledger.blocks}, {@value #BLOCK} entries a block row as the ledger stores a
 * committed batch, with one binary COPY as the owner. Then the head is set and {@code VACUUM
 * (ANALYZE)} leaves the table as autovacuum would. Only blocks and the head are written: the verifier
 * reads nothing else, and the tenant is used by nothing but verification.
 */
final class BulkChain {
  static final int TEMPLATES = 4096;
  /** Entries a block row: a batch of group commit under load. */
  static final int BLOCK = 100;
  private static final int COPY_BUFFER = 1 << 20;

  /** A chain ready to verify. */
  record Built(UUID tenantId, long entries, Duration copying, Duration vacuuming) {}

  private BulkChain() {}

  static Built build(Connection owner, UUID tenantId, int entries) throws SQLException, IOException {
    long start = System.nanoTime();
    List<StoredEntry> templates = new PlannedChain(new EntryMix(tenantId, 42)).nextBatch(TEMPLATES).entries();
    long idPrefix = new SecureRandom().nextLong();
    // one entry a millisecond, ending now
    Instant first = Instant.now().truncatedTo(ChronoUnit.MICROS).minusMillis(entries);
    byte[] prev = HashChain.GENESIS;
    PGCopyOutputStream copy = new PGCopyOutputStream(owner.unwrap(PGConnection.class), BenchSql.COPY_BLOCKS,
        COPY_BUFFER);
    long blocks = 0;
    try (PgCopyBinary rows = new PgCopyBinary(new BufferedOutputStream(copy, COPY_BUFFER))) {
      List<StoredEntry> block = new ArrayList<>(BLOCK);
      for (int seq = 1; seq <= entries; seq++) {
        StoredEntry t = templates.get((seq - 1) % TEMPLATES);
        String key = t.idempotencyKey() == null ? null : new UUID(~idPrefix, seq).toString();
        StoredEntry e = StoredEntry.seal(tenantId, seq, new UUID(idPrefix, seq), t.kind(), t.actor(), t.subject(),
            t.userId(), t.accountId(), key, t.requestHash(), first.plusMillis(seq), t.payload(), prev);
        block.add(e);
        if (block.size() == BLOCK || seq == entries) {
          write(rows, block);
          blocks++;
          block.clear();
        }
        prev = e.hash();
      }
    } catch (IOException | RuntimeException e) {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
      throw e;
    }
    long copied = copy.endCopy();
    if (copied != blocks) {
      throw new IllegalStateException("COPY wrote " + copied + " blocks, not " + blocks);
    }
    try (PreparedStatement head = owner.prepareStatement(BenchSql.HEAD_INSERT)) {
      head.setObject(1, tenantId);
      head.setLong(2, entries);
      head.setBytes(3, prev);
      head.executeUpdate();
    }
    Duration copying = Duration.ofNanos(System.nanoTime() - start);
    long vacuumStart = System.nanoTime();
    try (Statement s = owner.createStatement()) {
      s.execute(BenchSql.VACUUM_BLOCKS);
    }
    return new Built(tenantId, entries, copying, Duration.ofNanos(System.nanoTime() - vacuumStart));
  }

  /** Consecutive entries as one block row, in {@link BenchSql#BLOCK_COLUMNS} order. */
  private static void write(PgCopyBinary rows, List<StoredEntry> block) throws IOException {
    StoredEntry first = block.get(0);
    byte[] hashes = new byte[block.size() * 32];
    for (int i = 0; i < block.size(); i++) {
      System.arraycopy(block.get(i).hash(), 0, hashes, i * 32, 32);
    }
    rows.startRow(BenchSql.BLOCK_COLUMN_COUNT);
    rows.uuid(first.tenantId());
    rows.int8(first.seq());
    rows.int8(block.get(block.size() - 1).seq());
    rows.bytea(first.prevHash());
    rows.bytea(hashes);
    rows.textArray(block.stream().map(StoredEntry::canonical).toList());
    rows.timestamptzArray(block.stream().map(StoredEntry::createdAt).toList());
    rows.textArray(block.stream().map(StoredEntry::kind).toList());
    rows.uuidArray(block.stream().map(StoredEntry::userId).toList());
    rows.uuidArray(block.stream().map(StoredEntry::accountId).toList());
  }
}

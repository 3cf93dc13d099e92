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
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Builds a long valid chain fast, for timing verification. The entries' contents come from {@value
 * #TEMPLATES} appends of the usual mix planned by the ledger's own planner ({@link PlannedChain}), so
 * the canonical text has the real shapes and sizes; each entry is then sealed with {@link
 * StoredEntry#seal} under its own seq, id, idempotency key and time, chained after the previous one,
 * and streamed into {@code ledger.entries} with one binary COPY as the owner. Then the head is set
 * and {@code VACUUM (ANALYZE)} leaves the table as autovacuum would. Only entries and the head are
 * written: the verifier reads nothing else, and the tenant is used by nothing but verification.
 */
final class BulkChain {
  static final int TEMPLATES = 4096;
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
    PGCopyOutputStream copy = new PGCopyOutputStream(owner.unwrap(PGConnection.class), BenchSql.COPY_ENTRIES,
        COPY_BUFFER);
    try (PgCopyBinary rows = new PgCopyBinary(new BufferedOutputStream(copy, COPY_BUFFER))) {
      for (int seq = 1; seq <= entries; seq++) {
        StoredEntry t = templates.get((seq - 1) % TEMPLATES);
        String key = t.idempotencyKey() == null ? null : new UUID(~idPrefix, seq).toString();
        StoredEntry e = StoredEntry.seal(tenantId, seq, new UUID(idPrefix, seq), t.kind(), t.actor(), t.subject(),
            t.userId(), t.accountId(), key, t.requestHash(), first.plusMillis(seq), t.payload(), prev);
        write(rows, e);
        prev = e.hash();
      }
    } catch (IOException | RuntimeException e) {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
      throw e;
    }
    long copied = copy.endCopy();
    if (copied != entries) {
      throw new IllegalStateException("COPY wrote " + copied + " entries, not " + entries);
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
      s.execute(BenchSql.VACUUM_ENTRIES);
    }
    return new Built(tenantId, copied, copying, Duration.ofNanos(System.nanoTime() - vacuumStart));
  }

  /** One entry, in {@link BenchSql#ENTRY_COLUMNS} order. */
  private static void write(PgCopyBinary rows, StoredEntry e) throws IOException {
    rows.startRow(BenchSql.ENTRY_COLUMN_COUNT);
    rows.uuid(e.tenantId());
    rows.int8(e.seq());
    rows.uuid(e.id());
    rows.text(e.kind());
    rows.text(e.actor());
    rows.text(e.subject());
    rows.uuid(e.userId());
    rows.uuid(e.accountId());
    rows.text(e.idempotencyKey());
    rows.bytea(e.requestHash() == null ? null : HexFormat.of().parseHex(e.requestHash()));
    rows.timestamptz(e.createdAt());
    rows.text(e.canonical());
    rows.bytea(e.prevHash());
    rows.bytea(e.hash());
  }
}

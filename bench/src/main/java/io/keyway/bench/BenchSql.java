package io.keyway.bench;

import io.keyway.config.db.Schemas;
import java.util.StringJoiner;

/**
 * Every statement the ledger benchmark runs itself, in one place. The ledger's own statements stay in
 * the ledger; these only observe the server, build the bulk chain and write the baseline.
 */
final class BenchSql {
  private BenchSql() {}

  /** Settings that decide what a commit costs, printed with every server. */
  static final String DURABILITY_SETTINGS =
      "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, "
          + "current_setting('synchronous_commit') AS synchronous_commit, "
          + "current_setting('wal_sync_method') AS wal_sync_method, current_setting('shared_buffers') AS shared_buffers, "
          + "current_setting('max_wal_size') AS max_wal_size, current_setting('checkpoint_timeout') AS checkpoint_timeout, "
          + "current_setting('wal_buffers') AS wal_buffers, current_setting('wal_compression') AS wal_compression";

  /**
   * The newest transaction id, assigning one to this (autocommit) statement. Only transactions that
   * write are given an id, so the difference of two readings, less one, counts the write
   * transactions committed or aborted in between.
   */
  static final String CURRENT_XID = "SELECT pg_current_xact_id()::text::bigint";

  /**
   * Checkpoints PostgreSQL has started (on its timer or because max_wal_size filled up): one in a
   * phase writes out dirty pages and makes the next change of each page log a full-page image.
   */
  static final String CHECKPOINTS_STARTED = "SELECT num_timed + num_requested FROM pg_stat_checkpointer";

  /** The columns of {@code ledger.entries}, in the order the bulk load and the baseline write them. */
  static final String ENTRY_COLUMNS = "tenant_id, seq, id, kind, actor, subject, user_id, account_id, "
      + "idempotency_key, request_hash, created_at, canonical, prev_hash, hash";
  static final int ENTRY_COLUMN_COUNT = 14;
  static final String POSTING_COLUMNS = "tenant_id, entry_seq, n, account, currency, amount";
  static final int POSTING_COLUMN_COUNT = 6;

  /** Bulk load of a chain, as the owner (a superuser, so row level security does not apply). */
  static final String COPY_ENTRIES = "COPY ledger.entries (" + ENTRY_COLUMNS + ") FROM STDIN (FORMAT binary)";
  static final String HEAD_INSERT = "INSERT INTO ledger.heads (tenant_id, seq, hash) VALUES (?, ?, ?)";
  static final String VACUUM_ENTRIES = "VACUUM (ANALYZE) ledger.entries";

  /**
   * The baseline's tables: the ledger's own columns, constraints and indexes ({@code LIKE … INCLUDING
   * ALL}), but no row level security and no trigger (the ledger's postings have no foreign key since
   * V5, only a statement trigger, which is the ledger's own work); written by the runtime role.
   */
  static final String[] BASELINE_SCHEMA = {
      "CREATE SCHEMA IF NOT EXISTS baseline",
      "CREATE TABLE IF NOT EXISTS baseline.entries (LIKE ledger.entries INCLUDING ALL)",
      "CREATE TABLE IF NOT EXISTS baseline.postings (LIKE ledger.postings INCLUDING ALL)",
      "GRANT USAGE ON SCHEMA baseline TO " + Schemas.APP_ROLE,
      "GRANT INSERT ON baseline.entries, baseline.postings TO " + Schemas.APP_ROLE};

  static String baselineEntriesInsert(int rows) {
    return "INSERT INTO baseline.entries (" + ENTRY_COLUMNS + ") VALUES " + placeholders(rows, ENTRY_COLUMN_COUNT);
  }

  static String baselinePostingsInsert(int rows) {
    return "INSERT INTO baseline.postings (" + POSTING_COLUMNS + ") VALUES "
        + placeholders(rows, POSTING_COLUMN_COUNT);
  }

  /** {@code ($1, $2), ($3, $4)} for 2 rows of 2 columns: a multi-row VALUES list of numbered parameters. */
  static String placeholders(int rows, int columns) {
    if (rows < 1 || columns < 1 || (long) rows * columns > 65_535) {
      throw new IllegalArgumentException(rows + " rows of " + columns + " columns do not fit one statement");
    }
    StringJoiner values = new StringJoiner(", ");
    int n = 1;
    for (int r = 0; r < rows; r++) {
      StringJoiner row = new StringJoiner(", ", "(", ")");
      for (int c = 0; c < columns; c++) {
        row.add("$" + n++);
      }
      values.add(row.toString());
    }
    return values.toString();
  }
}

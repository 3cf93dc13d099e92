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
          + "current_setting('wal_buffers') AS wal_buffers, current_setting('wal_compression') AS wal_compression, current_setting('wal_init_zero') AS wal_init_zero";

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

  /** The columns of {@code ledger.blocks}, in the order the bulk load and the baseline write them. */
  static final String BLOCK_COLUMNS = "tenant_id, first_seq, last_seq, prev_hash, hashes, canonicals, created_ats, "
      + "kinds, user_ids, account_ids";
  static final int BLOCK_COLUMN_COUNT = 10;

  /** Bulk load of a chain, as the owner (a superuser, so row level security does not apply). */
  static final String COPY_BLOCKS = "COPY ledger.blocks (" + BLOCK_COLUMNS + ") FROM STDIN (FORMAT binary)";
  static final String HEAD_INSERT = "INSERT INTO ledger.heads (tenant_id, seq, hash) VALUES (?, ?, ?)";
  static final String VACUUM_BLOCKS = "VACUUM (ANALYZE) ledger.blocks";
  /** Writes every dirty page out and syncs the files, so that the kernel's write-back of them is done. */
  static final String CHECKPOINT = "CHECKPOINT";
  /** Every table a load phase writes, the ledger's and the baseline's: what one phase leaves to the next. */
  static final String VACUUM_PHASE_TABLES = "VACUUM (ANALYZE) ledger.blocks, ledger.idempotency_keys, ledger.balances, "
      + "ledger.heads, baseline.blocks, baseline.idempotency_keys";

  /** The ledger schema's applied migrations, oldest first: version and description. */
  static final String LEDGER_MIGRATIONS = "SELECT version, description FROM ledger.flyway_schema_history "
      + "WHERE success AND version IS NOT NULL ORDER BY installed_rank";

  /**
   * The baseline's tables: the ledger's own columns, constraints, indexes and storage settings
   * ({@code LIKE … INCLUDING ALL}: the GIN indexes, canonicals stored uncompressed), but no row level
   * security and no trigger; written by the runtime role. Not vacuumed by autovacuum (session 10): a node never
   * writes these tables, and their vacuum after the baseline phase ran through the open loop that follows it.
   */
  static final String[] BASELINE_SCHEMA = {
      "CREATE SCHEMA IF NOT EXISTS baseline",
      "CREATE TABLE IF NOT EXISTS baseline.blocks (LIKE ledger.blocks INCLUDING ALL)",
      "CREATE TABLE IF NOT EXISTS baseline.idempotency_keys (LIKE ledger.idempotency_keys INCLUDING ALL)",
      "ALTER TABLE baseline.blocks SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)",
      "ALTER TABLE baseline.idempotency_keys SET (autovacuum_enabled = false)",
      "GRANT USAGE ON SCHEMA baseline TO " + Schemas.APP_ROLE,
      "GRANT INSERT ON baseline.blocks, baseline.idempotency_keys TO " + Schemas.APP_ROLE};

  /** One batch as one block row, as the ledger writes it. */
  static final String BASELINE_BLOCK_INSERT =
      "INSERT INTO baseline.blocks (" + BLOCK_COLUMNS + ") VALUES " + placeholders(1, BLOCK_COLUMN_COUNT);
  /** The batch's keyed entries, as the ledger writes them. */
  static final String BASELINE_KEYS_INSERT = "INSERT INTO baseline.idempotency_keys "
      + "(tenant_id, idempotency_key, seq, request_hash) "
      + "SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bytea[])";

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

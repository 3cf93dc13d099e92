package io.keyway.ledger;

/** Every statement the ledger runs, parameterised, in one place. */
final class LedgerSql {
  private LedgerSql() {}

  /** Row level security reads this; set for the transaction only, as {@code TenantScope} does. */
  static final String SET_TENANT = "SELECT set_config('" + io.keyway.config.db.Schemas.TENANT_SETTING + "', $1, true)";

  static final String HEAD_ENSURE =
      "INSERT INTO ledger.heads (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING";
  static final String HEAD_LOCK = "SELECT seq, hash FROM ledger.heads WHERE tenant_id = $1 FOR UPDATE";
  static final String HEAD_READ = "SELECT seq, hash FROM ledger.heads WHERE tenant_id = $1";
  /** Moves the head from ($2, $3) to ($4, $5), waiting for a writer still holding it; fails if it is elsewhere. */
  static final String HEAD_ADVANCE = "SELECT ledger.advance_head($1, $2, $3, $4, $5)";

  static final String ENTRIES_BY_KEYS =
      "SELECT idempotency_key, request_hash, id, seq, hash, canonical FROM ledger.entries "
          + "WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])";
  static final String BALANCES_FOR =
      "SELECT b.account, b.currency, b.amount FROM ledger.balances b "
          + "JOIN unnest($2::text[], $3::text[]) AS k(account, currency) "
          + "ON b.account = k.account AND b.currency = k.currency WHERE b.tenant_id = $1";

  static final String ENTRIES_INSERT =
      "INSERT INTO ledger.entries (tenant_id, seq, id, kind, actor, subject, user_id, account_id, idempotency_key, "
          + "request_hash, created_at, canonical, prev_hash, hash) "
          + "SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], "
          + "$8::uuid[], $9::text[], $10::bytea[], $11::timestamptz[], $12::text[], $13::bytea[], $14::bytea[])";
  static final String POSTINGS_INSERT =
      "INSERT INTO ledger.postings (tenant_id, entry_seq, n, account, currency, amount) "
          + "SELECT $1, * FROM unnest($2::bigint[], $3::int2[], $4::text[], $5::text[], $6::numeric[])";
  static final String BALANCES_UPSERT =
      "INSERT INTO ledger.balances (tenant_id, account, currency, amount) "
          + "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::numeric[]) "
          + "ON CONFLICT (tenant_id, account, currency) DO UPDATE SET amount = EXCLUDED.amount";

  static final String CHECKPOINT_INSERT =
      "INSERT INTO ledger.checkpoints (tenant_id, seq, hash, signed_at, key_id, signature) "
          + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, seq, key_id) DO NOTHING";
  static final String CHECKPOINT_NEWEST =
      "SELECT seq, hash, signed_at, key_id, signature FROM ledger.checkpoints WHERE tenant_id = $1 "
          + "ORDER BY seq DESC, signed_at DESC LIMIT 1";
  static final String CHECKPOINT_TENANTS_BEHIND =
      "SELECT h.tenant_id, h.seq FROM ledger.heads h WHERE h.tenant_id = $1 AND h.seq > COALESCE("
          + "(SELECT max(c.seq) FROM ledger.checkpoints c WHERE c.tenant_id = h.tenant_id), 0)";

  /**
   * For verification: the entries of the chain with {@code after < seq <= upTo} (no bound where
   * null) in seq order, as binary COPY (which takes no parameters: the tenant is a {@link UUID},
   * whose text is only hex digits and dashes, and the bounds are numbers).
   */
  static String chainCopy(java.util.UUID tenantId, Long after, Long upTo) {
    return "COPY (SELECT seq, id, kind, actor, subject, user_id, account_id, idempotency_key, created_at, canonical, "
        + "prev_hash, hash FROM ledger.entries WHERE tenant_id = '" + tenantId + "'"
        + (after == null ? "" : " AND seq > " + after) + (upTo == null ? "" : " AND seq <= " + upTo)
        + " ORDER BY seq) TO STDOUT (FORMAT binary)";
  }

  /** For verification: this transaction's snapshot, exported for the other readers, and the chain's last seq. */
  static String chainExtent(java.util.UUID tenantId) {
    return "SELECT pg_export_snapshot(), (SELECT max(seq) FROM ledger.entries WHERE tenant_id = '" + tenantId + "')";
  }

  /** Takes up an exported snapshot (no parameters either: checked to be a snapshot id). */
  static String takeSnapshot(String snapshotId) {
    if (!snapshotId.matches("[0-9A-Fa-f-]+")) {
      throw new IllegalArgumentException("not a snapshot id: " + snapshotId);
    }
    return "SET TRANSACTION SNAPSHOT '" + snapshotId + "'";
  }

  static final String ALLOCATED_CAPITAL =
      "SELECT p.account, COALESCE(sum(p.amount), 0) AS amount FROM ledger.postings p JOIN ledger.entries e "
          + "ON e.tenant_id = p.tenant_id AND e.seq = p.entry_seq WHERE p.tenant_id = $1 AND p.account = ANY($2::text[]) "
          + "AND p.currency = $3 AND e.kind IN ('capital.allocate', 'capital.deallocate') GROUP BY p.account";
  static final String BALANCES_OF_USER =
      "SELECT account, currency, amount FROM ledger.balances WHERE tenant_id = $1 AND account LIKE $2";
}

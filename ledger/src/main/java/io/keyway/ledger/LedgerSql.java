package io.keyway.ledger;

/** Every statement the ledger runs, parameterised, in one place. */
final class LedgerSql {
  private LedgerSql() {}

  /** Row level security reads this; set for the transaction only, as {@code TenantScope} does. */
  static final String SET_TENANT = "SELECT set_config('" + io.keyway.config.db.Schemas.TENANT_SETTING + "', $1, true)";
  /**
   * A write batch's transaction: READ COMMITTED said, not assumed (each statement must see the batch
   * ahead once {@code advance_head} has waited for it; a repeatable-read default would fail every
   * pipelined batch), and no lock waited on for longer than {@link #BATCH_LOCK_TIMEOUT}: a stalled
   * predecessor fails the batches behind it instead of holding their connections without end.
   */
  static final String BATCH_BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED";
  static final String BATCH_LOCK_TIMEOUT = "30s";
  /**
   * The batch's tenant and lock limit, and its planning: every statement of a write batch finds its rows by key (the
   * batch's balances, keys, head and newest block), so the transaction plans them as key lookups, a nested loop over
   * the batch's arrays probing the primary key. Left to its estimates (an {@code unnest} of a parameter counts as 10
   * rows, a tenant's balances as few), the planner joined the batch's balances to the arrays by rescanning the
   * arrays once per balance, quadratic in the batch (67 balances: 4,422 rows compared, ~1 ms of an 88-entry batch),
   * or hashed a scan of all of the tenant's balances and their dead versions (session 9). All of it for this
   * transaction only; nothing else on the connection sees it, and it holds inside {@link #WRITE_BATCH} as well.
   */
  static final String BATCH_SCOPE = "SELECT set_config('" + io.keyway.config.db.Schemas.TENANT_SETTING
      + "', $1, true), set_config('lock_timeout', '" + BATCH_LOCK_TIMEOUT + "', true), "
      + "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), "
      + "set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)";

  static final String HEAD_ENSURE =
      "INSERT INTO ledger.heads (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING";
  static final String HEAD_READ = "SELECT seq, hash FROM ledger.heads WHERE tenant_id = $1";
  /**
   * The head a batch with nothing ahead of it locks and starts from, and whether the newest block
   * reaches beyond it: never a race (a block and its head move in one transaction) but stored rows
   * that disagree, on which the batch would write a second copy of a seq, a fork.
   */
  static final String HEAD_FOR_BATCH = "SELECT h.seq, h.hash, COALESCE((SELECT b.last_seq > h.seq FROM ledger.blocks b "
      + "WHERE b.tenant_id = h.tenant_id ORDER BY b.first_seq DESC LIMIT 1), false) AS blocks_beyond "
      + "FROM ledger.heads h WHERE h.tenant_id = $1 FOR UPDATE OF h";
  /**
   * Holds, until the batch's transaction ends, the seq it starts from ($2; null: the head it has locked), which
   * {@code advance_head} of a batch planned behind it waits on while the head is not there yet (V8).
   */
  static final String HOLD_START = "SELECT ledger.hold_start($1, $2)";
  /**
   * The entries recorded under the given keys: the key's row and its entry, cut out of the block holding it
   * (null where no block holds it: a key row that is not the ledger's, which refuses its append).
   */
  static final String ENTRIES_BY_KEYS =
      "SELECT k.idempotency_key, k.request_hash, k.seq, b.canonicals[(k.seq - b.first_seq + 1)::int] AS canonical, "
          + "substr(b.hashes, ((k.seq - b.first_seq) * 32 + 1)::int, 32) AS hash FROM ledger.idempotency_keys k "
          + "LEFT JOIN LATERAL (SELECT first_seq, canonicals, hashes FROM ledger.blocks b "
          + "WHERE b.tenant_id = k.tenant_id "
          + "AND b.first_seq <= k.seq ORDER BY b.first_seq DESC LIMIT 1) b ON true "
          + "WHERE k.tenant_id = $1 AND k.idempotency_key = ANY($2::text[])";
  /**
   * The stored balances among ($2, $3): one primary-key probe a pair, in a write batch's transaction ({@link
   * #BATCH_SCOPE}).
   */
  static final String BALANCES_FOR =
      "SELECT b.account, b.currency, b.amount FROM unnest($2::text[], $3::text[]) AS k(account, currency) "
          + "JOIN ledger.balances b ON b.tenant_id = $1 AND b.account = k.account AND b.currency = k.currency";

  /**
   * A batch's writes, in one call (V11): {@code ledger.advance_head} moves the head from ($2, $3) to ($4, $5), waiting
   * for the batches ahead to end and failing (40001) if it is elsewhere; then the block ($6-$11: the entries' hashes,
   * 32 bytes each in order, the UTF-8 bytes that were hashed, made text in the server, and the filter columns), the
   * idempotency keys ($12-$14), the balances known to exist set to their new amounts, each only if it still holds the
   * amount the batch was planned on ($15-$18; XX001 unless every one of them was updated, so a balance is neither left
   * behind nor overwritten from a stale amount), and the balances moved for the first time ($19-$21). Null where the
   * batch has none. One statement: it runs whole or fails whole, so a batch commits every write or none.
   */
  static final String WRITE_BATCH = "SELECT ledger.write_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      + "$14, $15, $16, $17, $18, $19, $20, $21)";

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
   * For verification: the blocks of the chain with {@code after < first_seq <= upTo} (no bound where
   * null) in seq order, as binary COPY (which takes no parameters: the tenant is a {@link UUID},
   * whose text is only hex digits and dashes, and the bounds are numbers).
   */
  static String chainCopy(java.util.UUID tenantId, Long after, Long upTo) {
    return "COPY (SELECT first_seq, last_seq, prev_hash, hashes, canonicals, created_ats, kinds, user_ids, account_ids "
        + "FROM ledger.blocks WHERE tenant_id = '" + tenantId + "'"
        + (after == null ? "" : " AND first_seq > " + after) + (upTo == null ? "" : " AND first_seq <= " + upTo)
        + " ORDER BY first_seq) TO STDOUT (FORMAT binary)";
  }

  /**
   * For verification: this transaction's snapshot, exported for the other readers, the last block's
   * first seq, and when the server started (which tells a Unix-socket connection to the same server).
   */
  static String chainExtent(java.util.UUID tenantId) {
    return "SELECT pg_export_snapshot(), (SELECT max(first_seq) FROM ledger.blocks WHERE tenant_id = '" + tenantId
        + "'), " + SERVER_STARTED;
  }

  /** When the server's postmaster started: two connections answering the same are to the same server. */
  static final String SERVER_STARTED = "pg_postmaster_start_time()::text";

  /** Takes up an exported snapshot (no parameters either: checked to be a snapshot id). */
  static String takeSnapshot(String snapshotId) {
    if (!snapshotId.matches("[0-9A-Fa-f-]+")) {
      throw new IllegalArgumentException("not a snapshot id: " + snapshotId);
    }
    return "SET TRANSACTION SNAPSHOT '" + snapshotId + "'";
  }

  /** A person's allocations and deallocations, from the postings in their entries' payloads. */
  static final String ALLOCATED_CAPITAL =
      "SELECT p.v ->> 'account' AS account, COALESCE(sum((p.v ->> 'amount')::numeric), 0) AS amount "
          + "FROM ledger.blocks b "
          + "CROSS JOIN LATERAL unnest(b.canonicals, b.kinds, b.user_ids) AS x(canonical, kind, user_id) "
          // guarded as the ledger.postings view is: only an array's elements, whatever order the planner picks
          + "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.canonical::jsonb -> 'payload' -> 'postings') "
          + "= 'array' THEN x.canonical::jsonb -> 'payload' -> 'postings' END) AS p(v) "
          + "WHERE b.tenant_id = $1 AND b.user_ids @> ARRAY[$4::uuid] AND x.user_id = $4 "
          + "AND x.kind IN ('capital.allocate', 'capital.deallocate') "
          + "AND p.v ->> 'account' = ANY($2::text[]) AND p.v ->> 'currency' = $3 GROUP BY 1";
  static final String BALANCES_OF_USER =
      "SELECT account, currency, amount FROM ledger.balances WHERE tenant_id = $1 AND account LIKE $2";
}

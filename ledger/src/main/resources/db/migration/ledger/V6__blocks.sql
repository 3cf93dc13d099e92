-- One row per committed batch (docs/decisions/0006-ledger.md, "Block storage"). Every entry is still
-- hashed on its own, hash = SHA-256(prev_hash || canonical), and keeps its seq, hash and link: element
-- i (from 1) of a block is seq first_seq + i - 1, its hash is bytes (i-1)*32 .. i*32 of hashes, and its
-- prev_hash is the hash before it (the block's prev_hash for the first). created_ats, kinds, user_ids and
-- account_ids are per element too (NULL where an entry has none): what GET /api/ledger/entries filters
-- on; verify holds them against each canonical text. The canonical texts are the record.
-- There is no production data yet: the row-per-entry tables are dropped, not migrated.
DROP TABLE ledger.postings;
DROP FUNCTION ledger.postings_need_entries();
DROP TABLE ledger.entries;

CREATE TABLE ledger.blocks (
  tenant_id   uuid NOT NULL,
  first_seq   bigint NOT NULL CHECK (first_seq > 0),
  last_seq    bigint NOT NULL,
  prev_hash   bytea NOT NULL,
  hashes      bytea NOT NULL,
  canonicals  text[] NOT NULL,
  created_ats timestamptz[] NOT NULL,
  kinds       text[] NOT NULL,
  user_ids    uuid[] NOT NULL,
  account_ids uuid[] NOT NULL,
  PRIMARY KEY (tenant_id, first_seq),
  CHECK (last_seq >= first_seq)
);
-- the texts are JSON of a few hundred bytes each: pglz saves little on them and costs CPU on every
-- write and every read, so they go out of line uncompressed
ALTER TABLE ledger.blocks ALTER COLUMN canonicals SET STORAGE EXTERNAL;
-- user and account ids are unique across tenants, so one GIN index each finds a person's blocks
CREATE INDEX blocks_users ON ledger.blocks USING gin (user_ids);
CREATE INDEX blocks_accounts ON ledger.blocks USING gin (account_ids);

-- Stripe idempotency: only capital flows carry a key, so only they have a row here.
CREATE TABLE ledger.idempotency_keys (
  tenant_id       uuid NOT NULL,
  idempotency_key text NOT NULL,
  seq             bigint NOT NULL,
  request_hash    bytea,
  PRIMARY KEY (tenant_id, idempotency_key)
);

-- Every entry as a row, for reading and for the money-conservation queries (invoker's rights, so row
-- level security applies as to the tables).
CREATE VIEW ledger.entries WITH (security_invoker = true) AS
  SELECT b.tenant_id, b.first_seq + x.o - 1 AS seq, x.kind, x.user_id, x.account_id, x.created_at, x.canonical,
         CASE WHEN x.o = 1 THEN b.prev_hash ELSE substr(b.hashes, (x.o::int - 2) * 32 + 1, 32) END AS prev_hash,
         substr(b.hashes, (x.o::int - 1) * 32 + 1, 32) AS hash
    FROM ledger.blocks b
    CROSS JOIN LATERAL unnest(b.canonicals, b.created_ats, b.kinds, b.user_ids, b.account_ids)
      WITH ORDINALITY AS x(canonical, created_at, kind, user_id, account_id, o);

-- The postings are in each entry's payload (payload.postings), which is hashed with it.
CREATE VIEW ledger.postings WITH (security_invoker = true) AS
  SELECT e.tenant_id, e.seq AS entry_seq, (p.n - 1)::smallint AS n, e.kind, p.v ->> 'account' AS account,
         p.v ->> 'currency' AS currency, (p.v ->> 'amount')::numeric AS amount
    FROM ledger.entries e
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e.canonical::jsonb -> 'payload' -> 'postings') = 'array'
      THEN e.canonical::jsonb -> 'payload' -> 'postings' END) WITH ORDINALITY AS p(v, n);

CREATE TRIGGER blocks_append_only BEFORE UPDATE OR DELETE ON ledger.blocks
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER blocks_no_truncate BEFORE TRUNCATE ON ledger.blocks
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER idempotency_keys_append_only BEFORE UPDATE OR DELETE ON ledger.idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER idempotency_keys_no_truncate BEFORE TRUNCATE ON ledger.idempotency_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
ALTER TABLE ledger.blocks ENABLE ALWAYS TRIGGER blocks_append_only;
ALTER TABLE ledger.blocks ENABLE ALWAYS TRIGGER blocks_no_truncate;
ALTER TABLE ledger.idempotency_keys ENABLE ALWAYS TRIGGER idempotency_keys_append_only;
ALTER TABLE ledger.idempotency_keys ENABLE ALWAYS TRIGGER idempotency_keys_no_truncate;

ALTER TABLE ledger.blocks           ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.blocks           FORCE ROW LEVEL SECURITY;
ALTER TABLE ledger.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ledger.blocks
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());
CREATE POLICY tenant_isolation ON ledger.idempotency_keys
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());

REVOKE ALL ON ledger.blocks, ledger.idempotency_keys, ledger.entries, ledger.postings FROM PUBLIC;
GRANT SELECT, INSERT ON ledger.blocks, ledger.idempotency_keys TO ${app_role};
GRANT SELECT ON ledger.entries, ledger.postings TO ${app_role};

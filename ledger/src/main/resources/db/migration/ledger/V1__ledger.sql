-- The ledger: one hash chain per tenant, double-entry postings, balances, signed checkpoints.
-- Append-only at the database level: the runtime role (${app_role}) may INSERT and SELECT the
-- chain and never UPDATE, DELETE or TRUNCATE it; triggers refuse those to everyone (the owner
-- included) and are enabled ALWAYS, so session_replication_role = replica cannot skip them.

CREATE FUNCTION ledger.current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('keyway.tenant_id', true), '')::uuid $$;

-- The head of each chain: locked by the one writer of a batch, so appends never fork.
CREATE TABLE ledger.heads (
  tenant_id uuid PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      bytea NOT NULL
);

CREATE TABLE ledger.entries (
  tenant_id       uuid NOT NULL,
  seq             bigint NOT NULL CHECK (seq > 0),
  id              uuid NOT NULL UNIQUE,
  kind            text NOT NULL,
  actor           text NOT NULL,
  subject         text NOT NULL,
  user_id         uuid,
  account_id      uuid,
  idempotency_key text,
  request_hash    bytea,
  created_at      timestamptz NOT NULL,
  canonical       text NOT NULL,   -- the exact text that was hashed; the record itself
  prev_hash       bytea NOT NULL,
  hash            bytea NOT NULL,
  PRIMARY KEY (tenant_id, seq),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX entries_user ON ledger.entries (tenant_id, user_id, seq);
CREATE INDEX entries_account ON ledger.entries (tenant_id, account_id, seq);
CREATE INDEX entries_kind ON ledger.entries (tenant_id, kind, seq);

CREATE TABLE ledger.postings (
  tenant_id uuid NOT NULL,
  entry_seq bigint NOT NULL,
  n         smallint NOT NULL,
  account   text NOT NULL,
  currency  text NOT NULL,
  amount    numeric NOT NULL,
  PRIMARY KEY (tenant_id, entry_seq, n),
  FOREIGN KEY (tenant_id, entry_seq) REFERENCES ledger.entries (tenant_id, seq)
);

-- Balances are derived from postings, kept in the same transaction as the entry that moves them.
-- No person's cash or allocation may ever go below zero; only the outside world may.
CREATE TABLE ledger.balances (
  tenant_id uuid NOT NULL,
  account   text NOT NULL,
  currency  text NOT NULL,
  amount    numeric NOT NULL,
  PRIMARY KEY (tenant_id, account, currency),
  CONSTRAINT no_negative_balance CHECK (amount >= 0 OR account = 'external')
);

CREATE TABLE ledger.checkpoints (
  tenant_id uuid NOT NULL,
  seq       bigint NOT NULL,
  hash      bytea NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id    text NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

CREATE FUNCTION ledger.refuse_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END $$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON ledger.entries
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON ledger.entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON ledger.postings
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON ledger.postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger.checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON ledger.checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
ALTER TABLE ledger.entries ENABLE ALWAYS TRIGGER entries_append_only;
ALTER TABLE ledger.entries ENABLE ALWAYS TRIGGER entries_no_truncate;
ALTER TABLE ledger.postings ENABLE ALWAYS TRIGGER postings_append_only;
ALTER TABLE ledger.postings ENABLE ALWAYS TRIGGER postings_no_truncate;
ALTER TABLE ledger.checkpoints ENABLE ALWAYS TRIGGER checkpoints_append_only;
ALTER TABLE ledger.checkpoints ENABLE ALWAYS TRIGGER checkpoints_no_truncate;

ALTER TABLE ledger.heads       ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.heads       FORCE ROW LEVEL SECURITY;
ALTER TABLE ledger.entries     ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.entries     FORCE ROW LEVEL SECURITY;
ALTER TABLE ledger.postings    ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.postings    FORCE ROW LEVEL SECURITY;
ALTER TABLE ledger.balances    ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.balances    FORCE ROW LEVEL SECURITY;
ALTER TABLE ledger.checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger.checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ledger.heads
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());
CREATE POLICY tenant_isolation ON ledger.entries
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());
CREATE POLICY tenant_isolation ON ledger.postings
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());
CREATE POLICY tenant_isolation ON ledger.balances
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());
CREATE POLICY tenant_isolation ON ledger.checkpoints
  USING (tenant_id = ledger.current_tenant()) WITH CHECK (tenant_id = ledger.current_tenant());

REVOKE ALL ON ALL TABLES IN SCHEMA ledger FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ledger FROM PUBLIC;
GRANT USAGE ON SCHEMA ledger TO ${app_role};
GRANT SELECT, INSERT ON ledger.entries, ledger.postings, ledger.checkpoints TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON ledger.heads, ledger.balances TO ${app_role};
GRANT EXECUTE ON FUNCTION ledger.current_tenant() TO ${app_role};

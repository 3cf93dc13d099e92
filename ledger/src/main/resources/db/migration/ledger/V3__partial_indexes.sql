-- Most entries have no trading account and audit records have no idempotency key: index only the
-- rows that carry one, so an append writes fewer index entries. Every lookup on these columns asks
-- for a value (never for NULL), which the partial indexes answer. Uniqueness is unchanged: NULLs
-- were never equal to each other.
ALTER TABLE ledger.entries DROP CONSTRAINT entries_tenant_id_idempotency_key_key;
CREATE UNIQUE INDEX entries_idempotency_key ON ledger.entries (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
DROP INDEX ledger.entries_account;
CREATE INDEX entries_account ON ledger.entries (tenant_id, account_id, seq) WHERE account_id IS NOT NULL;
DROP INDEX ledger.entries_user;
CREATE INDEX entries_user ON ledger.entries (tenant_id, user_id, seq) WHERE user_id IS NOT NULL;

-- A head may be signed again with another key (after a master-key rotation), so a checkpoint is
-- identified by the key that signed it too; the newest signature wins.
ALTER TABLE ledger.checkpoints DROP CONSTRAINT checkpoints_pkey;
ALTER TABLE ledger.checkpoints ADD PRIMARY KEY (tenant_id, seq, key_id);

-- A write batch commits whole or not at all, whatever its client does (docs/decisions/0016, "Session 13").
--
-- A batch's writes and its COMMIT go out pipelined. A write that fails in the client before it is sent (a
-- parameter it cannot encode) never reaches the server, which then runs the writes behind it and commits them:
-- a head moved without its block, a block without its balances or its idempotency keys, or a block and the rest
-- without the head. Until now the writer could only report such a batch as "outcome unknown". Now the server
-- refuses to commit it:
--
-- * the batch's first statement (LedgerSql.BATCH_SCOPE) marks its transaction as a write batch
--   (keyway.batch = 'open');
-- * its head's write (LedgerSql.HEAD_ADVANCE) says which writes follow, a bit each (1 the block, 2 the idempotency
--   keys, 4 the balances updated, 8 the balances inserted), in keyway.batch_expects;
-- * each write adds its bit to keyway.batch_wrote as it runs (an expression in the statement itself, LedgerSql);
-- * at COMMIT, a deferred trigger on the head's row fails the COMMIT unless every announced write ran, and one on
--   each block inserted fails it unless the transaction also moved the head. The transaction rolls back and
--   nothing of the batch is stored.
--
-- Every other transaction (no keyway.batch) is not checked. The settings are the transaction's own
-- (set_config(..., true)) and end with it. SQLSTATE KW001 names this refusal.

CREATE FUNCTION ledger.batch_complete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    expects text;
    wrote text;
  BEGIN
    IF current_setting('keyway.batch', true) IS DISTINCT FROM 'open' THEN
      RETURN NULL;
    END IF;
    expects := current_setting('keyway.batch_expects', true);
    wrote := current_setting('keyway.batch_wrote', true);
    IF TG_TABLE_NAME = 'blocks' THEN
      IF expects IS NULL OR expects = '' THEN
        RAISE EXCEPTION 'a ledger write batch of tenant % stored a block (seq % to %) without moving its head: nothing of it is committed',
          NEW.tenant_id, NEW.first_seq, NEW.last_seq USING ERRCODE = 'KW001';
      END IF;
    ELSIF expects IS NULL OR expects = '' OR wrote IS DISTINCT FROM expects THEN
      RAISE EXCEPTION 'a ledger write batch of tenant % moved its head to seq % without all of its writes (announced %, written %): nothing of it is committed',
        NEW.tenant_id, NEW.seq, COALESCE(NULLIF(expects, ''), 'none'), COALESCE(NULLIF(wrote, ''), 'none')
        USING ERRCODE = 'KW001';
    END IF;
    RETURN NULL;
  END $$;
REVOKE ALL ON FUNCTION ledger.batch_complete() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER heads_batch_complete AFTER UPDATE ON ledger.heads
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.batch_complete();
CREATE CONSTRAINT TRIGGER blocks_batch_complete AFTER INSERT ON ledger.blocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.batch_complete();
-- Enabled as ordinary triggers, unlike the append-only ones (ALWAYS): they guard the runtime role's own batches,
-- which cannot set session_replication_role (a superuser's setting), and an owner repairing or tampering with rows
-- under session_replication_role = replica queues no event for them.

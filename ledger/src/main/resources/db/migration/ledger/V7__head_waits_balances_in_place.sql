-- A batch writes the balances it knows to exist (its lookup found them, or the batch ahead of it wrote
-- them) with one UPDATE and the new ones with one plain INSERT, instead of INSERT ... ON CONFLICT DO
-- UPDATE for all (docs/decisions/0016-ledger-append-loops.md, "Session 6"). The UPDATE sets a row only
-- if it still holds the amount the batch was planned on, and must reach every row it names: a row it
-- missed would be a balance silently left behind or overwritten from a stale amount, so the statement
-- hands its count to this function, which fails the transaction (and the COMMIT pipelined behind it)
-- unless the count is the one expected. Every balance is written under its chain's head lock, so a
-- miss is a fault, not a race: it is data_corrupted (XX001), which the writer reports to the batch's
-- callers, not serialization_failure (40001), which it would retry. A new row that already exists
-- fails the INSERT (unique violation).
CREATE FUNCTION ledger.balances_updated(expected integer, updated bigint) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF updated IS DISTINCT FROM expected THEN
      RAISE EXCEPTION 'a balance to update was not found at the amount the batch was planned on: % of % rows updated', updated, expected
        USING ERRCODE = 'data_corrupted';
    END IF;
    RETURN updated;
  END $$;
REVOKE ALL ON FUNCTION ledger.balances_updated(integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.balances_updated(integer, bigint) TO ${app_role};

-- advance_head (V4) was meant to wait for the batch ahead to commit, but its UPDATE filtered on the
-- head's seq and hash: a row whose visible version does not match a statement's WHERE is skipped
-- without waiting for the transaction that is changing it, so a pipelined batch whose predecessor had
-- not committed yet found "no head at that seq" and failed (40001), to be planned and written again.
-- In the bench 35-50 % of all write transactions ended so (docs/decisions/0016, "Session 6"). The
-- head is now locked by its key alone, which waits for any writer holding it and then reads the
-- version that writer committed, and compared after that.
CREATE OR REPLACE FUNCTION ledger.advance_head(t uuid, from_seq bigint, from_hash bytea, to_seq bigint, to_hash bytea)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  DECLARE
    at_seq bigint;
    at_hash bytea;
  BEGIN
    SELECT seq, hash INTO at_seq, at_hash FROM ledger.heads WHERE tenant_id = t FOR UPDATE;
    IF at_seq IS DISTINCT FROM from_seq OR at_hash IS DISTINCT FROM from_hash THEN
      RAISE EXCEPTION 'the head of the chain is no longer at seq %', from_seq
        USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE ledger.heads SET seq = to_seq, hash = to_hash WHERE tenant_id = t;
    RETURN to_seq;
  END $$;

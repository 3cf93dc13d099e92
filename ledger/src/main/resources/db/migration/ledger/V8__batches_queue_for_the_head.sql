-- A pipelined batch could still take the head before the batch ahead of it (docs/decisions/0016, "Session 9").
-- advance_head (V7) waits for a writer that holds the head's row lock, but the batch ahead takes that lock only
-- when its own advance_head runs. When the batch before both commits, the one ahead is woken to take the lock;
-- if the batch behind reaches the head first, it finds the head one batch back, fails with 40001, and it and
-- every batch planned behind it are written again. In the benchmark that was 5-20 batches a second on one chain.
--
-- Now every write batch holds, from its first round trip, a transaction-level advisory lock on the seq it
-- starts from (a batch with nothing ahead, the seq of the head it has locked; for a new chain, the 0 of the head
-- row it has made, which other transactions cannot see until it commits), and advance_head, finding the head behind the seq it was planned on, waits for the transaction
-- holding the head's seq to end before it locks the head and compares. The advisory lock only orders writers:
-- the head's row lock and the seq and hash comparison remain the guard, so a lock key shared by two tenants
-- (hashtext is 32 bits) costs a wait, never a wrong write, and a writer that does not take the lock (an older
-- node) gets the 40001 and the retry it got before.
CREATE FUNCTION ledger.hold_start(t uuid, start_seq bigint) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  DECLARE
    s bigint := start_seq;
  BEGIN
    IF s IS NULL THEN
      -- a batch with nothing ahead starts where the head is: it has locked it (and made it, for a new chain).
      -- It does not wait for the start: another writer's batch holding it is planned on the same head and
      -- waits for this one's row lock, so waiting here would be a deadlock; the row lock orders the rest
      SELECT seq INTO s FROM ledger.heads WHERE tenant_id = t;
      PERFORM pg_try_advisory_xact_lock(hashtext(t::text), (s % 2147483648)::int);
    ELSE
      PERFORM pg_advisory_xact_lock(hashtext(t::text), (s % 2147483648)::int);
    END IF;
    RETURN s;
  END $$;
REVOKE ALL ON FUNCTION ledger.hold_start(uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.hold_start(uuid, bigint) TO ${app_role};

CREATE OR REPLACE FUNCTION ledger.advance_head(t uuid, from_seq bigint, from_hash bytea, to_seq bigint, to_hash bytea)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  DECLARE
    at_seq bigint;
    at_hash bytea;
    seen bigint;
  BEGIN
    -- the head behind the planned start: a batch ahead has not moved it yet; wait for the one holding the
    -- head's seq, then look again (a batch ahead that ended without moving it leaves it where it was)
    -- (no head row yet: the first batch of a new chain has made it and not committed; it starts at 0)
    LOOP
      SELECT COALESCE((SELECT seq FROM ledger.heads WHERE tenant_id = t), 0) INTO at_seq;
      EXIT WHEN at_seq >= from_seq OR at_seq = seen;
      PERFORM pg_advisory_xact_lock_shared(hashtext(t::text), (at_seq % 2147483648)::int);
      seen := at_seq;
    END LOOP;
    SELECT seq, hash INTO at_seq, at_hash FROM ledger.heads WHERE tenant_id = t FOR UPDATE;
    IF at_seq IS DISTINCT FROM from_seq OR at_hash IS DISTINCT FROM from_hash THEN
      RAISE EXCEPTION 'the head of the chain is no longer at seq %', from_seq
        USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE ledger.heads SET seq = to_seq, hash = to_hash WHERE tenant_id = t;
    RETURN to_seq;
  END $$;

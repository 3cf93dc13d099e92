-- Moves a chain's head from where its writer believes it is, or fails the transaction. A writer
-- that plans its next batch while the previous one is still committing writes that batch after this
-- call: it waits for the previous commit (the head row is locked until then) and goes through only
-- if that commit left the head exactly where the plan started. Anything else (the previous batch
-- rolled back, another node wrote) raises serialization_failure, and the writer reloads the head.
CREATE FUNCTION ledger.advance_head(t uuid, from_seq bigint, from_hash bytea, to_seq bigint, to_hash bytea)
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE ledger.heads SET seq = to_seq, hash = to_hash
      WHERE tenant_id = t AND seq = from_seq AND hash = from_hash;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the head of the chain is no longer at seq %', from_seq
        USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN to_seq;
  END $$;
REVOKE ALL ON FUNCTION ledger.advance_head(uuid, bigint, bytea, bigint, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.advance_head(uuid, bigint, bytea, bigint, bytea) TO ${app_role};

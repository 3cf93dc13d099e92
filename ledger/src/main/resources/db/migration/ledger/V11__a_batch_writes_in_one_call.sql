-- A write batch's writes in one call: the head moved (advance_head, which waits for the batches
-- ahead), then the block, the idempotency keys, the balances updated in place (each only at the
-- amount the batch was planned on: XX001 otherwise, through balances_updated) and the balances
-- made. Arrays are null where the batch has none. One statement runs whole or fails whole, so the
-- batch commits every write or none by construction.
--
-- Until now a batch sent the head's move and its four writes as five statements, and V9 and V10
-- made the server refuse to commit a batch with some of them and not the others (a write failing in
-- the client before it was sent). With one statement that cannot happen, so that check goes: its
-- settings, functions and deferred trigger cost about 190 us a batch (decision 0016, session 13),
-- and the statements a batch sends fall from 12 to 8 (session 15).
CREATE FUNCTION ledger.write_batch(t uuid, from_seq bigint, from_hash bytea, to_seq bigint, to_hash bytea,
    hashes bytea, canonicals bytea[], created_ats timestamptz[], kinds text[], user_ids uuid[], account_ids uuid[],
    keys text[], key_seqs bigint[], request_hashes bytea[],
    upd_accounts text[], upd_currencies text[], upd_amounts numeric[], upd_before numeric[],
    new_accounts text[], new_currencies text[], new_amounts numeric[])
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  DECLARE
    updated bigint;
  BEGIN
    PERFORM ledger.advance_head(t, from_seq, from_hash, to_seq, to_hash);
    IF hashes IS NOT NULL THEN
      INSERT INTO ledger.blocks (tenant_id, first_seq, last_seq, prev_hash, hashes, canonicals, created_ats, kinds,
          user_ids, account_ids)
        VALUES (t, from_seq + 1, to_seq, from_hash, hashes,
          ARRAY(SELECT convert_from(c.c, 'UTF8') FROM unnest(canonicals) WITH ORDINALITY AS c(c, i) ORDER BY c.i),
          created_ats, kinds, user_ids, account_ids);
    END IF;
    IF keys IS NOT NULL THEN
      INSERT INTO ledger.idempotency_keys (tenant_id, idempotency_key, seq, request_hash)
        SELECT t, * FROM unnest(keys, key_seqs, request_hashes);
    END IF;
    IF upd_accounts IS NOT NULL THEN
      WITH u AS (UPDATE ledger.balances b SET amount = v.amount
          FROM unnest(upd_accounts, upd_currencies, upd_amounts, upd_before) AS v(account, currency, amount, before)
          WHERE b.tenant_id = t AND b.account = v.account AND b.currency = v.currency AND b.amount = v.before
          RETURNING 1)
        SELECT count(*) INTO updated FROM u;
      PERFORM ledger.balances_updated(cardinality(upd_accounts), updated);
    END IF;
    IF new_accounts IS NOT NULL THEN
      INSERT INTO ledger.balances (tenant_id, account, currency, amount)
        SELECT t, * FROM unnest(new_accounts, new_currencies, new_amounts);
    END IF;
    RETURN to_seq;
  END $$;
REVOKE ALL ON FUNCTION ledger.write_batch(uuid, bigint, bytea, bigint, bytea, bytea, bytea[], timestamptz[], text[],
  uuid[], uuid[], text[], bigint[], bytea[], text[], text[], numeric[], numeric[], text[], text[], numeric[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.write_batch(uuid, bigint, bytea, bigint, bytea, bytea, bytea[], timestamptz[], text[],
  uuid[], uuid[], text[], bigint[], bytea[], text[], text[], numeric[], numeric[], text[], text[], numeric[])
  TO ${app_role};

DROP TRIGGER heads_batch_complete ON ledger.heads;
DROP FUNCTION ledger.batch_complete();
DROP FUNCTION ledger.batch_wrote(integer);

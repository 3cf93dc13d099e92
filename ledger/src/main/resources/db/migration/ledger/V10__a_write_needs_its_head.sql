-- V9 made the server refuse a write batch without every write its head's write announced, and a block without the
-- head. Two writes failing in the client in one batch (the head's and the block's) still let its keys and balances
-- commit alone. Now each write records itself through ledger.batch_wrote, which in a write batch fails at once
-- (KW001) unless the head's write has run, so no write commits without the head, and the head commits only with
-- every write it announced (heads_batch_complete, V9). The trigger on the blocks is no longer needed.
-- (docs/decisions/0016, "Session 13".)
CREATE FUNCTION ledger.batch_wrote(write_bit integer) RETURNS text
  LANGUAGE plpgsql
  AS $$
  DECLARE
    wrote text;
  BEGIN
    IF current_setting('keyway.batch', true) IS DISTINCT FROM 'open' THEN
      RETURN NULL;
    END IF;
    wrote := current_setting('keyway.batch_wrote', true);
    IF wrote IS NULL OR wrote = '' THEN
      RAISE EXCEPTION 'a ledger write batch wrote (%) before its head''s write ran: nothing of it is committed', write_bit
        USING ERRCODE = 'KW001';
    END IF;
    RETURN set_config('keyway.batch_wrote', (wrote::integer | write_bit)::text, true);
  END $$;
REVOKE ALL ON FUNCTION ledger.batch_wrote(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.batch_wrote(integer) TO ${app_role};

DROP TRIGGER blocks_batch_complete ON ledger.blocks;

CREATE OR REPLACE FUNCTION ledger.batch_complete() RETURNS trigger
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
    IF expects IS NULL OR expects = '' OR wrote IS DISTINCT FROM expects THEN
      RAISE EXCEPTION 'a ledger write batch of tenant % moved its head to seq % without all of its writes (announced %, written %): nothing of it is committed',
        NEW.tenant_id, NEW.seq, COALESCE(NULLIF(expects, ''), 'none'), COALESCE(NULLIF(wrote, ''), 'none')
        USING ERRCODE = 'KW001';
    END IF;
    RETURN NULL;
  END $$;

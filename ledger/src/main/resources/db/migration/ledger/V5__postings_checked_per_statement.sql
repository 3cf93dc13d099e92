-- A posting must belong to an entry of its chain. The foreign key checked that one posting row at a
-- time: an RI trigger per row, an SPI lookup of the entry and a FOR KEY SHARE lock on it, about
-- 12-15 us of PostgreSQL CPU per ledger entry (docs/decisions/0006-ledger.md). Entries can never be
-- updated or deleted (refuse_change, enabled ALWAYS), so the only thing left to check is that the
-- entry exists when the posting is inserted: done once per INSERT (or COPY) statement, over all its
-- rows with one anti-join, and enabled ALWAYS like the append-only triggers. No lock is needed: the
-- entry cannot go away.
ALTER TABLE ledger.postings DROP CONSTRAINT postings_tenant_id_entry_seq_fkey;

CREATE FUNCTION ledger.postings_need_entries() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    orphan boolean;
  BEGIN
    -- EXECUTE plans the check afresh each time, on the table's size now: a plan cached while the
    -- chain was short (a scan of the tenant's whole chain) would otherwise stay as the chain grows
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM new_postings p WHERE NOT EXISTS ('
        || 'SELECT 1 FROM ledger.entries e WHERE e.tenant_id = p.tenant_id AND e.seq = p.entry_seq))'
      INTO orphan;
    IF orphan THEN
      RAISE EXCEPTION 'a posting must belong to an entry of its chain'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
  END $$;
REVOKE ALL ON FUNCTION ledger.postings_need_entries() FROM PUBLIC;

CREATE TRIGGER postings_need_entries AFTER INSERT ON ledger.postings
  REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.postings_need_entries();
ALTER TABLE ledger.postings ENABLE ALWAYS TRIGGER postings_need_entries;

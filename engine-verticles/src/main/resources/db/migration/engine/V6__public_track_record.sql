-- The public track record: what anyone may read, without a token or a tenant, of the accounts an
-- admin marked public, and nothing more. The directory learns names and the public flag; each
-- read is a SECURITY DEFINER function that answers only for public accounts, scopes itself to the
-- account's own tenant (row-level security stays on) and hands back only the columns a stranger
-- may see: no owner, tenant, keys, risk settings or kill reason.

ALTER TABLE engine.account_directory ADD COLUMN name text;
ALTER TABLE engine.account_directory ADD COLUMN is_public boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION engine.sync_account_directory() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  BEGIN
    INSERT INTO engine.account_directory (account_id, tenant_id, status, name, is_public)
      VALUES (NEW.id, NEW.tenant_id, NEW.status, NEW.name, NEW.is_public)
      ON CONFLICT (account_id) DO UPDATE
        SET status = EXCLUDED.status, name = EXCLUDED.name, is_public = EXCLUDED.is_public;
    RETURN NULL;
  END $$;
DROP TRIGGER accounts_directory ON engine.accounts;
CREATE TRIGGER accounts_directory AFTER INSERT OR UPDATE OF status, name, is_public ON engine.accounts
  FOR EACH ROW EXECUTE FUNCTION engine.sync_account_directory();

UPDATE engine.account_directory d SET name = a.name, is_public = a.is_public
  FROM engine.accounts a WHERE a.id = d.account_id;

CREATE FUNCTION engine.public_accounts() RETURNS TABLE (account_id uuid, name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$ SELECT account_id, name FROM engine.account_directory WHERE is_public ORDER BY name, account_id $$;

-- The tenant of a public account (null when it is not public), set as the transaction's tenant.
CREATE FUNCTION engine.enter_public_account(p_account uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  DECLARE
    t uuid;
  BEGIN
    SELECT tenant_id INTO t FROM engine.account_directory WHERE account_id = p_account AND is_public;
    IF t IS NULL THEN
      RETURN false;
    END IF;
    PERFORM set_config('keyway.tenant_id', t::text, true);
    RETURN true;
  END $$;

CREATE FUNCTION engine.public_equity(p_account uuid, p_points int) RETURNS TABLE (t timestamptz, equity numeric)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  BEGIN
    IF NOT engine.enter_public_account(p_account) THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT x.t, x.equity FROM (SELECT e.t, e.equity FROM engine.equity_points e
      WHERE e.account_id = p_account ORDER BY e.t DESC LIMIT p_points) x ORDER BY x.t;
    PERFORM set_config('keyway.tenant_id', '', true);
  END $$;

CREATE FUNCTION engine.public_trades(p_account uuid, p_limit int)
  RETURNS TABLE (t timestamptz, symbol text, side text, qty numeric, price numeric)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  BEGIN
    IF NOT engine.enter_public_account(p_account) THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT o.updated_at, o.symbol, o.side, o.filled_qty, o.avg_fill_price FROM engine.orders o
      WHERE o.account_id = p_account AND o.filled_qty > 0 ORDER BY o.updated_at DESC, o.id DESC LIMIT p_limit;
    PERFORM set_config('keyway.tenant_id', '', true);
  END $$;

CREATE FUNCTION engine.public_positions(p_account uuid) RETURNS TABLE (symbol text, qty numeric, avg_price numeric)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  BEGIN
    IF NOT engine.enter_public_account(p_account) THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT p.symbol, p.qty, p.avg_price FROM engine.positions p
      WHERE p.account_id = p_account ORDER BY p.symbol;
    PERFORM set_config('keyway.tenant_id', '', true);
  END $$;

REVOKE ALL ON FUNCTION engine.public_accounts(), engine.enter_public_account(uuid), engine.public_equity(uuid, int),
  engine.public_trades(uuid, int), engine.public_positions(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engine.public_accounts(), engine.public_equity(uuid, int), engine.public_trades(uuid, int),
  engine.public_positions(uuid) TO ${app_role};

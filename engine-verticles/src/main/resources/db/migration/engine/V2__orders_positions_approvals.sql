-- Orders, positions, approvals and equity history of trading accounts.

ALTER TABLE engine.accounts ADD COLUMN first_live_order_done boolean NOT NULL DEFAULT false;

CREATE TABLE engine.orders (
  id              uuid PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  account_id      uuid NOT NULL REFERENCES engine.accounts (id),
  client_order_id text NOT NULL,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  qty             numeric NOT NULL CHECK (qty > 0),
  type            text NOT NULL CHECK (type IN ('market', 'limit')),
  limit_price     numeric,
  status          text NOT NULL CHECK (status IN ('awaiting_approval', 'pending', 'accepted', 'partially_filled',
                                                  'filled', 'canceled', 'rejected', 'expired')),
  filled_qty      numeric NOT NULL DEFAULT 0,
  avg_fill_price  numeric,
  notional_usd    numeric NOT NULL,
  source          text NOT NULL,
  requested_by    text NOT NULL,
  idempotency_key text,
  detail          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, client_order_id),
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX orders_account_time ON engine.orders (tenant_id, account_id, created_at DESC);

CREATE TABLE engine.positions (
  tenant_id  uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES engine.accounts (id),
  symbol     text NOT NULL,
  qty        numeric NOT NULL,
  avg_price  numeric NOT NULL,
  PRIMARY KEY (account_id, symbol)
);

CREATE TABLE engine.approvals (
  id              uuid PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  account_id      uuid NOT NULL REFERENCES engine.accounts (id),
  order_id        uuid NOT NULL UNIQUE REFERENCES engine.orders (id),
  reason          text NOT NULL,
  requested_at    timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  decided_by      text,
  decided_at      timestamptz,
  decision_reason text
);
CREATE INDEX approvals_pending ON engine.approvals (tenant_id, status, expires_at);

CREATE TABLE engine.equity_points (
  tenant_id  uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES engine.accounts (id),
  t          timestamptz NOT NULL,
  equity     numeric NOT NULL,
  PRIMARY KEY (account_id, t)
);

-- Which accounts exist and where, for the supervisor that runs one engine per active account.
-- Routing data only (ids and status), no RLS, no privilege for the runtime role: it is read through
-- the SECURITY DEFINER function below and kept in step by a trigger.
CREATE TABLE engine.account_directory (
  account_id uuid PRIMARY KEY,
  tenant_id  uuid NOT NULL,
  status     text NOT NULL
);
CREATE FUNCTION engine.sync_account_directory() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$
  BEGIN
    INSERT INTO engine.account_directory (account_id, tenant_id, status) VALUES (NEW.id, NEW.tenant_id, NEW.status)
      ON CONFLICT (account_id) DO UPDATE SET status = EXCLUDED.status;
    RETURN NULL;
  END $$;
CREATE TRIGGER accounts_directory AFTER INSERT OR UPDATE OF status ON engine.accounts
  FOR EACH ROW EXECUTE FUNCTION engine.sync_account_directory();
CREATE FUNCTION engine.all_accounts() RETURNS TABLE (account_id uuid, tenant_id uuid, status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, engine
  AS $$ SELECT account_id, tenant_id, status FROM engine.account_directory $$;

ALTER TABLE engine.orders        ENABLE ROW LEVEL SECURITY;
ALTER TABLE engine.orders        FORCE ROW LEVEL SECURITY;
ALTER TABLE engine.positions     ENABLE ROW LEVEL SECURITY;
ALTER TABLE engine.positions     FORCE ROW LEVEL SECURITY;
ALTER TABLE engine.approvals     ENABLE ROW LEVEL SECURITY;
ALTER TABLE engine.approvals     FORCE ROW LEVEL SECURITY;
ALTER TABLE engine.equity_points ENABLE ROW LEVEL SECURITY;
ALTER TABLE engine.equity_points FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON engine.orders
  USING (tenant_id = engine.current_tenant()) WITH CHECK (tenant_id = engine.current_tenant());
CREATE POLICY tenant_isolation ON engine.positions
  USING (tenant_id = engine.current_tenant()) WITH CHECK (tenant_id = engine.current_tenant());
CREATE POLICY tenant_isolation ON engine.approvals
  USING (tenant_id = engine.current_tenant()) WITH CHECK (tenant_id = engine.current_tenant());
CREATE POLICY tenant_isolation ON engine.equity_points
  USING (tenant_id = engine.current_tenant()) WITH CHECK (tenant_id = engine.current_tenant());

REVOKE ALL ON engine.account_directory FROM PUBLIC;
REVOKE ALL ON FUNCTION engine.sync_account_directory() FROM PUBLIC;
REVOKE ALL ON FUNCTION engine.all_accounts() FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON engine.orders, engine.approvals TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON engine.positions TO ${app_role};
GRANT SELECT, INSERT ON engine.equity_points TO ${app_role};
GRANT EXECUTE ON FUNCTION engine.all_accounts() TO ${app_role};

-- accounts created before this migration join the directory too
INSERT INTO engine.account_directory (account_id, tenant_id, status)
  SELECT id, tenant_id, status FROM engine.accounts ON CONFLICT (account_id) DO NOTHING;

-- Trading accounts. An account without an owner trades nothing; a strategy trades only with its
-- owner's credential for (venue, credential_label).

CREATE FUNCTION engine.current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('keyway.tenant_id', true), '')::uuid $$;

CREATE TABLE engine.accounts (
  id                uuid PRIMARY KEY,
  tenant_id         uuid NOT NULL,
  owner_user_id     uuid,
  name              text NOT NULL,
  venue             text NOT NULL CHECK (venue IN ('sim', 'alpaca')),
  kind              text NOT NULL CHECK (kind IN ('paper', 'live')),
  credential_label  text CHECK (credential_label ~ '^[a-z0-9_-]{1,64}$'),
  strategy_type     text NOT NULL,
  strategy_params   jsonb NOT NULL,
  max_order_usd     numeric NOT NULL CHECK (max_order_usd > 0),
  daily_cap_usd     numeric NOT NULL CHECK (daily_cap_usd > 0),
  allow_live        boolean NOT NULL DEFAULT false,
  approval_over_usd numeric NOT NULL CHECK (approval_over_usd >= 0),
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'halted', 'degraded')),
  kill_reason       text,
  is_public         boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE INDEX accounts_owner ON engine.accounts (tenant_id, owner_user_id);

ALTER TABLE engine.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE engine.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON engine.accounts
  USING (tenant_id = engine.current_tenant()) WITH CHECK (tenant_id = engine.current_tenant());

REVOKE ALL ON ALL TABLES IN SCHEMA engine FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA engine FROM PUBLIC;
GRANT USAGE ON SCHEMA engine TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON engine.accounts TO ${app_role};
GRANT EXECUTE ON FUNCTION engine.current_tenant() TO ${app_role};

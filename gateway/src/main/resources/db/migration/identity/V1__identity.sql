-- Identity: tenants, users, refresh-token families, API tokens.
-- Every tenant table has row-level security enabled AND forced; the runtime role (${app_role})
-- owns nothing and sees only the rows of the tenant set for the current transaction.

CREATE FUNCTION identity.current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('keyway.tenant_id', true), '')::uuid $$;

CREATE TABLE identity.tenants (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  display_name text NOT NULL,
  logo_url     text,
  colors       jsonb NOT NULL DEFAULT '{}'::jsonb,
  custom_css   text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identity.users (
  id                  uuid PRIMARY KEY,
  tenant_id           uuid NOT NULL REFERENCES identity.tenants(id),
  email               text NOT NULL,
  display_name        text NOT NULL,
  role                text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  password_hash       text NOT NULL,
  must_reset_password boolean NOT NULL DEFAULT true,
  disabled            boolean NOT NULL DEFAULT false,
  last_login_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_tenant ON identity.users (tenant_id);

-- One refresh-token family per login; reuse of a spent token revokes the whole family.
CREATE TABLE identity.refresh_families (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES identity.tenants(id),
  user_id     uuid NOT NULL REFERENCES identity.users(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoked_why text
);
CREATE INDEX refresh_families_user ON identity.refresh_families (user_id);

CREATE TABLE identity.refresh_tokens (
  token_hash  bytea PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES identity.tenants(id),
  family_id   uuid NOT NULL REFERENCES identity.refresh_families(id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX refresh_tokens_family ON identity.refresh_tokens (family_id);

CREATE TABLE identity.api_tokens (
  id           uuid PRIMARY KEY,
  tenant_id    uuid NOT NULL REFERENCES identity.tenants(id),
  user_id      uuid NOT NULL REFERENCES identity.users(id) ON DELETE CASCADE,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON identity.api_tokens (user_id);

-- Row-level security, forced so that not even the owner reads across tenants by accident.
ALTER TABLE identity.tenants          ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.tenants          FORCE ROW LEVEL SECURITY;
ALTER TABLE identity.users            ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.users            FORCE ROW LEVEL SECURITY;
ALTER TABLE identity.refresh_families ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.refresh_families FORCE ROW LEVEL SECURITY;
ALTER TABLE identity.refresh_tokens   ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.refresh_tokens   FORCE ROW LEVEL SECURITY;
ALTER TABLE identity.api_tokens       ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.api_tokens       FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON identity.tenants
  USING (id = identity.current_tenant()) WITH CHECK (id = identity.current_tenant());
CREATE POLICY tenant_isolation ON identity.users
  USING (tenant_id = identity.current_tenant()) WITH CHECK (tenant_id = identity.current_tenant());
CREATE POLICY tenant_isolation ON identity.refresh_families
  USING (tenant_id = identity.current_tenant()) WITH CHECK (tenant_id = identity.current_tenant());
CREATE POLICY tenant_isolation ON identity.refresh_tokens
  USING (tenant_id = identity.current_tenant()) WITH CHECK (tenant_id = identity.current_tenant());
CREATE POLICY tenant_isolation ON identity.api_tokens
  USING (tenant_id = identity.current_tenant()) WITH CHECK (tenant_id = identity.current_tenant());

-- The directory answers the two questions asked before a tenant is known: which tenant an email
-- logs into, and which tenant has a name (the CLI). It holds routing data only (no hashes, no
-- profile) and has no RLS; the runtime role has no privilege on it and reaches it only through
-- the SECURITY DEFINER functions below, which return a tenant id and nothing else. Triggers keep
-- it in step, so it cannot drift from the tables it mirrors. Its primary keys also make emails
-- and tenant names unique across the deployment.
CREATE TABLE identity.email_directory (
  email     text PRIMARY KEY,
  tenant_id uuid NOT NULL
);
CREATE TABLE identity.tenant_directory (
  name      text PRIMARY KEY,
  tenant_id uuid NOT NULL UNIQUE
);

CREATE FUNCTION identity.sync_email_directory() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, identity
  AS $$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      DELETE FROM identity.email_directory WHERE email = lower(OLD.email);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO identity.email_directory (email, tenant_id) VALUES (lower(NEW.email), NEW.tenant_id);
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER users_email_directory
  AFTER INSERT OR DELETE OR UPDATE OF email, tenant_id ON identity.users
  FOR EACH ROW EXECUTE FUNCTION identity.sync_email_directory();

CREATE FUNCTION identity.sync_tenant_directory() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, identity
  AS $$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      DELETE FROM identity.tenant_directory WHERE tenant_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO identity.tenant_directory (name, tenant_id) VALUES (lower(NEW.name), NEW.id);
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER tenants_directory
  AFTER INSERT OR DELETE OR UPDATE OF name ON identity.tenants
  FOR EACH ROW EXECUTE FUNCTION identity.sync_tenant_directory();

CREATE FUNCTION identity.tenant_of_email(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity
  AS $$ SELECT tenant_id FROM identity.email_directory WHERE email = lower(p_email) $$;

CREATE FUNCTION identity.tenant_named(p_name text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity
  AS $$ SELECT tenant_id FROM identity.tenant_directory WHERE name = lower(p_name) $$;

REVOKE ALL ON ALL TABLES IN SCHEMA identity FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA identity FROM PUBLIC;
GRANT USAGE ON SCHEMA identity TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON identity.tenants TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON identity.users TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON identity.refresh_families TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON identity.refresh_tokens TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON identity.api_tokens TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.current_tenant() TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.tenant_of_email(text) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.tenant_named(text) TO ${app_role};

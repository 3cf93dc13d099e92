-- The vault: each person's venue credentials, envelope-encrypted. Nothing here is plaintext:
-- the key id and secret are AES-GCM ciphertexts under a per-credential data key, itself wrapped
-- under the master key named in the blob. Only the masked key id (first 4 and last 3 characters)
-- is stored readable.

CREATE FUNCTION vault.current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('keyway.tenant_id', true), '')::uuid $$;

CREATE TABLE vault.credentials (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL,
  user_id       uuid NOT NULL,
  provider      text NOT NULL,
  label         text NOT NULL CHECK (label ~ '^[a-z0-9_-]{1,64}$'),
  masked        text NOT NULL,
  master_key_id text NOT NULL,
  wrapped_key   bytea NOT NULL,
  key_id_ct     bytea NOT NULL,
  secret_ct     bytea NOT NULL,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing')),
  linked_at     timestamptz NOT NULL DEFAULT now(),
  rotated_at    timestamptz,
  last_used_at  timestamptz,
  UNIQUE (tenant_id, user_id, provider, label)
);
CREATE INDEX credentials_master_key ON vault.credentials (master_key_id);

ALTER TABLE vault.credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE vault.credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vault.credentials
  USING (tenant_id = vault.current_tenant()) WITH CHECK (tenant_id = vault.current_tenant());

-- Master keys retired by a completed `keyway vault rewrap`: a node started with one is refused.
-- Key ids are fingerprints, not keys.
CREATE TABLE vault.retired_master_keys (
  key_id     text PRIMARY KEY,
  retired_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON ALL TABLES IN SCHEMA vault FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA vault FROM PUBLIC;
GRANT USAGE ON SCHEMA vault TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON vault.credentials TO ${app_role};
GRANT SELECT, INSERT ON vault.retired_master_keys TO ${app_role};
GRANT EXECUTE ON FUNCTION vault.current_tenant() TO ${app_role};

-- The same function as V2, same signature, result, security and row-level security, written in
-- LANGUAGE sql instead of plpgsql: two plain statements run in order, the first sets the tenant
-- for the current transaction only, the second reads under the forced row-level security, which
-- reads the tenant when it executes. plpgsql ran each as an SPI statement and copied the rows
-- through a tuplestore, about a fifth of PostgreSQL's CPU per resolve (docs/bench-vault.md).
-- CREATE OR REPLACE keeps the grants of V2 (EXECUTE to the runtime role only).
CREATE OR REPLACE FUNCTION vault.sealed_credential(p_tenant uuid, p_user uuid, p_provider text, p_label text)
  RETURNS TABLE (id uuid, wrapped_key bytea, key_id_ct bytea, secret_ct bytea)
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, vault
  AS $$
    SELECT set_config('keyway.tenant_id', p_tenant::text, true);
    SELECT c.id, c.wrapped_key, c.key_id_ct, c.secret_ct FROM vault.credentials c
    WHERE c.tenant_id = p_tenant AND c.user_id = p_user AND c.provider = p_provider AND c.label = p_label;
  $$;

-- Resolving a credential is the engine's hot path. This function does in one statement what a
-- tenant-scoped transaction does in four round trips: it sets the tenant for the current
-- transaction only (the statement's own, outside an explicit transaction) from its explicit
-- argument, then reads under the same forced row-level security. It runs as the caller
-- (SECURITY INVOKER), so it can see nothing the caller could not.
CREATE FUNCTION vault.sealed_credential(p_tenant uuid, p_user uuid, p_provider text, p_label text)
  RETURNS TABLE (id uuid, wrapped_key bytea, key_id_ct bytea, secret_ct bytea)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, vault
  AS $$
  BEGIN
    PERFORM set_config('keyway.tenant_id', p_tenant::text, true);
    RETURN QUERY
      SELECT c.id, c.wrapped_key, c.key_id_ct, c.secret_ct FROM vault.credentials c
      WHERE c.tenant_id = p_tenant AND c.user_id = p_user AND c.provider = p_provider AND c.label = p_label;
  END $$;
REVOKE ALL ON FUNCTION vault.sealed_credential(uuid, uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vault.sealed_credential(uuid, uuid, text, text) TO ${app_role};

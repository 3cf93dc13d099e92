-- Many resolves of one tenant in one statement: the vault groups the resolves that reach it in the
-- same event-loop turn by tenant and reads each group with this function. The i-th request is
-- (p_users[i], p_providers[i], p_labels[i]); each row found comes back with its request's ordinal
-- (1-based), and a request with no row (not that user's, or no such label) has none. Same security
-- as vault.sealed_credential (V3): SECURITY INVOKER, LANGUAGE sql, the tenant set for the current
-- transaction only, then read under the forced row-level security and filtered by tenant and user
-- in the statement as well.
CREATE FUNCTION vault.sealed_credentials(p_tenant uuid, p_users uuid[], p_providers text[], p_labels text[])
  RETURNS TABLE (ordinal bigint, id uuid, wrapped_key bytea, key_id_ct bytea, secret_ct bytea)
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, vault
  AS $$
    SELECT set_config('keyway.tenant_id', p_tenant::text, true);
    SELECT r.ordinal, c.id, c.wrapped_key, c.key_id_ct, c.secret_ct
    FROM unnest(p_users, p_providers, p_labels) WITH ORDINALITY AS r(user_id, provider, label, ordinal)
    JOIN vault.credentials c
      ON c.tenant_id = p_tenant AND c.user_id = r.user_id AND c.provider = r.provider AND c.label = r.label;
  $$;
REVOKE ALL ON FUNCTION vault.sealed_credentials(uuid, uuid[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vault.sealed_credentials(uuid, uuid[], text[], text[]) TO ${app_role};

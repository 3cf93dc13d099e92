-- The resolves of several tenants in one statement: the vault reads everything that reached it in one
-- event-loop turn with one call, one round trip and one transaction, instead of one statement per
-- tenant. The i-th request is (p_tenants[i], p_users[i], p_providers[i], p_labels[i]); each row found
-- comes back with its request's ordinal (1-based); a request with no row has none.
--
-- Security as vault.sealed_credentials (V4), per tenant: SECURITY INVOKER, so the runtime role's
-- forced row-level security applies; for each distinct tenant in turn the tenant is set for the
-- current transaction only and that tenant's requests are read under it, filtered by tenant and user
-- in the statement as well. A row of tenant A can only come back while the setting names A, and only
-- for a request that names A. The setting is transaction-local, so nothing is left on the connection.
-- plpgsql (one SPI query per distinct tenant) rather than LANGUAGE sql, which cannot loop.
CREATE FUNCTION vault.sealed_credentials_of(p_tenants uuid[], p_users uuid[], p_providers text[], p_labels text[])
  RETURNS TABLE (ordinal bigint, id uuid, wrapped_key bytea, key_id_ct bytea, secret_ct bytea)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, vault
  AS $$
  DECLARE
    t uuid;
  BEGIN
    FOR t IN SELECT DISTINCT x FROM unnest(p_tenants) AS x WHERE x IS NOT NULL LOOP
      PERFORM set_config('keyway.tenant_id', t::text, true);
      RETURN QUERY
        SELECT r.ordinal, c.id, c.wrapped_key, c.key_id_ct, c.secret_ct
        FROM unnest(p_tenants, p_users, p_providers, p_labels) WITH ORDINALITY
          AS r(tenant_id, user_id, provider, label, ordinal)
        JOIN vault.credentials c
          ON c.tenant_id = t AND r.tenant_id = t
         AND c.user_id = r.user_id AND c.provider = r.provider AND c.label = r.label;
    END LOOP;
    PERFORM set_config('keyway.tenant_id', '', true);
  END $$;
REVOKE ALL ON FUNCTION vault.sealed_credentials_of(uuid[], uuid[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vault.sealed_credentials_of(uuid[], uuid[], text[], text[]) TO ${app_role};

-- V4's one-tenant form is no longer called.
DROP FUNCTION vault.sealed_credentials(uuid, uuid[], text[], text[]);

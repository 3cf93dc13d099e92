-- Every tenant's id, for operator commands that walk all tenants (keyway ledger verify). Routing
-- data only, through the directory, like the other pre-tenant lookups.
CREATE FUNCTION identity.tenant_ids() RETURNS TABLE (tenant_id uuid, name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity
  AS $$ SELECT tenant_id, name FROM identity.tenant_directory ORDER BY name $$;
REVOKE ALL ON FUNCTION identity.tenant_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.tenant_ids() TO ${app_role};

-- The MCP rate limit is per token across every node on this database, not per node (docs/decisions/0012,
-- "Session 14"). Until now each node kept its own bucket a token, so behind a load balancer over N nodes a
-- token got N times its limit.
--
-- One row a token (an API token's id, or the refresh family behind an access token): the generic cell rate
-- algorithm, a leaky bucket kept as one time, the token's theoretical arrival time (tat). A request is taken if,
-- with the token's requests spread evenly at per_minute a minute, it would be due within a minute from now:
-- greatest(tat, now) + step <= now + 1 minute, where step = 1 minute / per_minute. Taking it moves tat on by one
-- step. So a fresh token gets per_minute requests at once, then one every step, as the node's in-memory bucket
-- did. A row whose tat has passed holds exactly what no row holds (a full bucket), so such rows may be deleted.
--
-- UNLOGGED: a budget is not worth a WAL flush a request. After a crash (or on a promoted standby) the table is
-- empty, which is every token's bucket full again.
CREATE UNLOGGED TABLE identity.mcp_rate (
  credential_id uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES identity.tenants(id),
  tat           timestamptz NOT NULL
);
CREATE INDEX mcp_rate_stale ON identity.mcp_rate (tenant_id, tat);
ALTER TABLE identity.mcp_rate ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.mcp_rate FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.mcp_rate
  USING (tenant_id = identity.current_tenant()) WITH CHECK (tenant_id = identity.current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON identity.mcp_rate TO ${app_role};

-- Takes one request of credential's budget, in tenant t: 0 if taken, else the milliseconds until one would be
-- (at least 1). A token already over its budget is refused from a plain read, with no lock and no write, so a
-- client that keeps calling past its limit costs a lookup a call. Otherwise one upsert takes the request:
-- concurrent requests of one token on any node queue on its row (for at most lock_timeout), and each sees the tat
-- the one before it left, measured from when it got the row. It scopes itself to t while it runs, so the row level
-- security above applies, and puts the caller's scope and lock timeout back before it returns. About one call in a
-- hundred also deletes up to 100 of the tenant's rows whose tat has passed, skipping rows other calls hold.
CREATE FUNCTION identity.mcp_take(t uuid, credential uuid, per_minute integer) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  SET search_path = pg_catalog, identity
  AS $$
  DECLARE
    step interval;
    seen timestamptz;
    taken timestamptz;
    wait_for interval;
    scope text := current_setting('keyway.tenant_id', true);
    timeout text := current_setting('lock_timeout');
  BEGIN
    IF per_minute IS NULL OR per_minute < 1 THEN
      RAISE EXCEPTION 'per_minute must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    step := interval '1 minute' / per_minute;
    PERFORM set_config('keyway.tenant_id', t::text, true);
    SELECT r.tat INTO seen FROM identity.mcp_rate r WHERE r.credential_id = credential;
    IF seen IS NULL OR greatest(seen, clock_timestamp()) + step <= clock_timestamp() + interval '1 minute' THEN
      PERFORM set_config('lock_timeout', '2s', true);
      INSERT INTO identity.mcp_rate AS r (credential_id, tenant_id, tat) VALUES (credential, t, clock_timestamp() + step)
        ON CONFLICT (credential_id) DO UPDATE SET tat = greatest(r.tat, clock_timestamp()) + step
        WHERE greatest(r.tat, clock_timestamp()) + step <= clock_timestamp() + interval '1 minute'
        RETURNING r.tat INTO taken;
      IF taken IS NOT NULL AND random() < 0.01 THEN
        DELETE FROM identity.mcp_rate WHERE credential_id IN (SELECT s.credential_id FROM identity.mcp_rate s
          WHERE s.tenant_id = t AND s.tat < clock_timestamp() LIMIT 100 FOR UPDATE SKIP LOCKED);
      END IF;
      PERFORM set_config('lock_timeout', timeout, true);
    END IF;
    IF taken IS NULL THEN
      SELECT greatest(r.tat, clock_timestamp()) + step - interval '1 minute' - clock_timestamp() INTO wait_for
        FROM identity.mcp_rate r WHERE r.credential_id = credential;
    END IF;
    PERFORM set_config('keyway.tenant_id', COALESCE(scope, ''), true);
    IF taken IS NOT NULL THEN
      RETURN 0;
    END IF;
    RETURN greatest(1, ceil(extract(epoch FROM wait_for) * 1000))::bigint;
  END $$;
REVOKE ALL ON FUNCTION identity.mcp_take(uuid, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.mcp_take(uuid, uuid, integer) TO ${app_role};

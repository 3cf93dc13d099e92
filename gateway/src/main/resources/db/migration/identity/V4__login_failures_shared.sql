-- Failed sign-ins (and wrong current passwords) are counted over every node on this database, not per node
-- (docs/decisions/0004, "Session 14"). Until now each node kept its own counts, so an attacker spreading guesses
-- over N nodes behind a load balancer got N times the limit.
--
-- One row a failure and throttle key. A key is the SHA-256 of what the node throttles on: 'e:' and the lower-cased
-- email (or a user's id, for password changes), or 'a:' and the client's address. So the table holds no email and no
-- address in plain text. The times are the nodes' own clocks (LoginThrottle's Clock), which keeps the window
-- testable, and a few seconds of skew between nodes moves a window of minutes by as much.
--
-- UNLOGGED: a failure is not worth a WAL flush, and after a crash the counts start again, as they did when a node
-- restarted. No tenant is known before sign-in, so the rows have none. Row level security is on and forced, with a
-- policy for the owner only. The runtime role has no privilege on the table, and reaches it only through the three
-- SECURITY DEFINER functions below, which answer with a wait and nothing else.
CREATE UNLOGGED TABLE identity.login_failures (
  key bytea NOT NULL CHECK (length(key) = 32),
  at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON identity.login_failures (key, at);
CREATE INDEX login_failures_at ON identity.login_failures (at);
ALTER TABLE identity.login_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.login_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON identity.login_failures TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON identity.login_failures FROM PUBLIC;

-- How long to wait before another attempt on keys[i] is admitted: for each key with at least limits[i] failures in
-- the window ending at at_time, until enough of them leave it to fall under the limit; the longest of those waits,
-- in milliseconds rounded up (1000 if that moment has passed already), or 0 when every key may go ahead.
CREATE FUNCTION identity.login_wait(keys bytea[], limits integer[], at_time timestamptz, window_ms bigint)
  RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, identity
  AS $$
  DECLARE
    span interval := window_ms * interval '1 millisecond';
    longest interval := interval '0';
    n bigint;
    releasing timestamptz;
  BEGIN
    IF keys IS NULL OR limits IS NULL OR cardinality(keys) <> cardinality(limits) THEN
      RAISE EXCEPTION 'one limit a key' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. cardinality(keys) LOOP
      SELECT count(*) INTO n FROM identity.login_failures f WHERE f.key = keys[i] AND f.at > at_time - span;
      IF n >= limits[i] THEN
        SELECT f.at INTO releasing FROM identity.login_failures f WHERE f.key = keys[i] AND f.at > at_time - span
          ORDER BY f.at OFFSET n - limits[i] LIMIT 1;
        longest := greatest(longest,
          CASE WHEN releasing + span > at_time THEN releasing + span - at_time ELSE interval '1 second' END);
      END IF;
    END LOOP;
    RETURN ceil(extract(epoch FROM longest) * 1000)::bigint;
  END $$;

-- Records a failure on each of keys at at_time, and forgets those keys' failures that have left the window. About one
-- call in a hundred also forgets up to 1,000 rows of any key that have left the window.
CREATE FUNCTION identity.login_failed(keys bytea[], at_time timestamptz, window_ms bigint) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity
  AS $$
  DECLARE
    span interval := window_ms * interval '1 millisecond';
  BEGIN
    INSERT INTO identity.login_failures (key, at) SELECT k, at_time FROM unnest(keys) AS k;
    DELETE FROM identity.login_failures f WHERE f.key = ANY (keys) AND f.at <= at_time - span;
    IF random() < 0.01 THEN
      DELETE FROM identity.login_failures WHERE ctid IN (SELECT s.ctid FROM identity.login_failures s
        WHERE s.at <= at_time - span LIMIT 1000 FOR UPDATE SKIP LOCKED);
    END IF;
  END $$;

-- A success forgets the failures of one key (an email's or a user's, never an address's: one good account proves
-- nothing about the address).
CREATE FUNCTION identity.login_succeeded(k bytea) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity
  AS $$ DELETE FROM identity.login_failures WHERE key = k $$;

REVOKE ALL ON FUNCTION identity.login_wait(bytea[], integer[], timestamptz, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.login_failed(bytea[], timestamptz, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.login_succeeded(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.login_wait(bytea[], integer[], timestamptz, bigint) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.login_failed(bytea[], timestamptz, bigint) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.login_succeeded(bytea) TO ${app_role};

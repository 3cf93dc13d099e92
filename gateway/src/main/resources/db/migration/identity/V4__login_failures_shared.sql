-- Failed sign-ins (and wrong current passwords) are counted over every node on this database, not per node
-- (docs/decisions/0004, "Session 14"). Until now each node kept its own counts, so an attacker spreading guesses
-- over N nodes behind a load balancer got N times the limit.
--
-- One row an attempt and throttle key. A key is an HMAC-SHA256, under a key derived from the master key, of what
-- the node throttles on: 'e:' and the lower-cased email (or a user's id, for password changes), or 'a:' and the
-- client's address. So the table holds no email and no address, and its rows cannot be matched to one without the
-- master key. The times are the nodes' own clocks (LoginThrottle's Clock), which keeps the window testable; a few
-- seconds of skew between nodes moves a window of minutes by as much.
--
-- An attempt is counted as a failure when it is admitted, before its password is checked, under a lock on its keys:
-- guesses sent at once, to any nodes, are admitted up to the limit and no further. A success then removes its own
-- rows and the email's earlier failures; an attempt that ended without a verdict (the database or the hashing pool
-- failed) removes its own rows.
--
-- UNLOGGED: a failure is not worth a WAL flush, and after a crash the counts start again, as they did when a node
-- restarted. No tenant is known before sign-in, so the rows have none and no row level security: the runtime role
-- has no privilege on the table, and reaches it only through the two SECURITY DEFINER functions below, which answer
-- with a wait and nothing else.
CREATE UNLOGGED TABLE identity.login_failures (
  key     bytea NOT NULL CHECK (length(key) = 32),
  at      timestamptz NOT NULL,
  attempt uuid NOT NULL
);
CREATE INDEX login_failures_key ON identity.login_failures (key, at);
CREATE INDEX login_failures_at ON identity.login_failures (at);
CREATE INDEX login_failures_attempt ON identity.login_failures (attempt);
REVOKE ALL ON identity.login_failures FROM PUBLIC;

-- Admits attempt on keys at at_time, or answers how long to wait. For each key with at least limits[i] failures in
-- the window ending at at_time, the wait lasts until enough of them leave it to fall under the limit; the longest
-- of those, in milliseconds rounded up (1000 if that moment has passed already). 0: admitted, and recorded as a
-- failure on every key. The keys are locked (transaction-level advisory locks, in a fixed order) from the count to
-- the insert, so two attempts on one key are counted one after the other. It also forgets the keys' failures that
-- have left the window, and about one call in a hundred up to 1,000 rows of any key that have.
CREATE FUNCTION identity.login_admit(keys bytea[], limits integer[], at_time timestamptz, window_ms bigint,
    attempt_id uuid)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity
  AS $$
  DECLARE
    span interval;
    horizon timestamptz;
    longest interval := interval '0';
    k bytea;
    n bigint;
    releasing timestamptz;
  BEGIN
    IF keys IS NULL OR limits IS NULL OR cardinality(keys) = 0 OR cardinality(keys) <> cardinality(limits)
        OR at_time IS NULL OR window_ms IS NULL OR window_ms < 1 OR attempt_id IS NULL
        OR EXISTS (SELECT 1 FROM unnest(keys) AS x(v) WHERE v IS NULL OR length(v) <> 32)
        OR EXISTS (SELECT 1 FROM unnest(limits) AS x(v) WHERE v IS NULL OR v < 1) THEN
      RAISE EXCEPTION 'login_admit: one limit (at least 1) a 32-byte key, a time, a window and an attempt id'
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    span := window_ms * interval '1 millisecond';
    FOR k IN SELECT DISTINCT v FROM unnest(keys) AS x(v) ORDER BY v LOOP
      PERFORM pg_advisory_xact_lock(hashtextextended(encode(k, 'hex'), 0));
    END LOOP;
    FOR i IN 1 .. cardinality(keys) LOOP
      SELECT count(*) INTO n FROM identity.login_failures f WHERE f.key = keys[i] AND f.at > at_time - span;
      IF n >= limits[i] THEN
        SELECT f.at INTO releasing FROM identity.login_failures f WHERE f.key = keys[i] AND f.at > at_time - span
          ORDER BY f.at OFFSET n - limits[i] LIMIT 1;
        longest := greatest(longest,
          CASE WHEN releasing + span > at_time THEN releasing + span - at_time ELSE interval '1 second' END);
      END IF;
    END LOOP;
    IF longest > interval '0' THEN
      RETURN ceil(extract(epoch FROM longest) * 1000)::bigint;
    END IF;
    INSERT INTO identity.login_failures (key, at, attempt) SELECT v, at_time, attempt_id FROM unnest(keys) AS x(v);
    -- forgotten only once gone by this server's clock too, whatever a node's clock says
    horizon := least(at_time, clock_timestamp()) - span;
    DELETE FROM identity.login_failures f WHERE f.key = ANY (keys) AND f.at <= horizon;
    IF random() < 0.01 THEN
      WITH stale AS MATERIALIZED (SELECT s.ctid AS row_id FROM identity.login_failures s WHERE s.at <= horizon
          LIMIT 1000 FOR UPDATE SKIP LOCKED)
        DELETE FROM identity.login_failures f WHERE f.ctid = ANY (ARRAY(SELECT row_id FROM stale));
    END IF;
    RETURN 0;
  END $$;

-- Forgets attempt_id's rows (it succeeded, or ended without a verdict) and, when k is given, every failure of k (a
-- success clears its email or user; never an address: one good account proves nothing about the address).
CREATE FUNCTION identity.login_settle(k bytea, attempt_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity
  AS $$ DELETE FROM identity.login_failures WHERE attempt = attempt_id OR (k IS NOT NULL AND key = k) $$;

REVOKE ALL ON FUNCTION identity.login_admit(bytea[], integer[], timestamptz, bigint, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.login_settle(bytea, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.login_admit(bytea[], integer[], timestamptz, bigint, uuid) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.login_settle(bytea, uuid) TO ${app_role};

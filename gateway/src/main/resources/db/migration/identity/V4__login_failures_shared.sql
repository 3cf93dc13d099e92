-- Failed sign-ins (and wrong current passwords) are counted over every node on this database, not per node
-- (docs/decisions/0004, "Session 14"). Until now each node kept its own counts, so an attacker spreading guesses
-- over N nodes behind a load balancer got N times the limit.
--
-- One row an attempt and throttle key. A key is an HMAC-SHA256, under a key derived from the master key, of what
-- the node throttles on: 'e:' and the lower-cased email, 'u:' and a user's id (password changes), or 'a:' and the
-- client's address. So the table holds no email and no address, and its rows cannot be matched to one without the
-- master key. The times are the nodes' own clocks (LoginThrottle's Clock), which keeps the window testable; a few
-- seconds of skew between nodes moves a window of minutes by as much.
--
-- An attempt is recorded when it is admitted, before its password is checked, under a lock on its keys, and stays
-- pending until it is settled: a wrong password marks it decided, a success or an attempt without a verdict (the
-- database or the hashing pool failed) removes it, and a success also removes its email's decided failures. An
-- email's pending attempts of the last minute count against it like failures, so guesses sent at once, to any nodes, are admitted up to
-- the email's limit and no further. An address counts decided failures only: sign-ins in progress behind one NAT are
-- not failures, and an attacker's burst of guesses over many emails is held by the hashing pool's queue.
--
-- UNLOGGED: a failure is not worth a WAL flush, and after a crash the counts start again, as they did when a node
-- restarted. No tenant is known before sign-in, so the rows have none and no row level security: the runtime role
-- has no privilege on the table, and reaches it only through the three SECURITY DEFINER functions below, which answer
-- with a wait and nothing else.
CREATE UNLOGGED TABLE identity.login_failures (
  key     bytea NOT NULL CHECK (length(key) = 32),
  at      timestamptz NOT NULL,
  attempt uuid NOT NULL,
  decided boolean NOT NULL DEFAULT false
);
CREATE INDEX login_failures_key ON identity.login_failures (key, at);
CREATE INDEX login_failures_at ON identity.login_failures (at);
CREATE INDEX login_failures_attempt ON identity.login_failures (attempt);
REVOKE ALL ON identity.login_failures FROM PUBLIC;

-- Admits attempt on keys at at_time, or answers how long to wait. Key i counts its decided failures in the window
-- ending at at_time, and its pending attempts of the last minute too where pending_count[i] (a sign-in is settled
-- within seconds; one never settled, its node gone or its answer lost, stops counting after the minute). At limits[i] or more, the wait lasts until
-- enough decided failures leave the window to fall under the limit (1 s if pending attempts alone make up the count,
-- or that moment has passed); the longest of the keys' waits is answered, in milliseconds rounded up. 0: admitted,
-- and recorded as pending on every key. A key already over its limit by its decided failures is refused from a plain
-- read; otherwise the keys are locked (transaction-level advisory locks, in a fixed order, waited on for at most 2 s)
-- from the count to the insert, so two attempts on one key are counted one after the other. It also forgets the keys'
-- rows that have left the window, and about one call in a hundred up to 1,000 rows of any key that have. A time
-- ahead of the server's clock counts as the server's (plus a minute), so a node whose clock runs ahead cannot plant
-- rows that outlive the window.
CREATE FUNCTION identity.login_admit(keys bytea[], limits integer[], pending_count boolean[], at_time timestamptz,
    window_ms bigint, attempt_id uuid)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity, pg_temp
  AS $$
  DECLARE
    span interval;
    at_now timestamptz;
    horizon timestamptz;
    longest interval := interval '0';
    lock_id bigint;
    decided_n bigint;
    n bigint;
    releasing timestamptz;
  BEGIN
    IF keys IS NULL OR limits IS NULL OR pending_count IS NULL OR cardinality(keys) = 0
        OR cardinality(keys) <> cardinality(limits) OR cardinality(keys) <> cardinality(pending_count)
        OR at_time IS NULL OR window_ms IS NULL OR window_ms < 1 OR attempt_id IS NULL
        OR EXISTS (SELECT 1 FROM unnest(keys) AS x(v) WHERE v IS NULL OR length(v) <> 32)
        OR EXISTS (SELECT 1 FROM unnest(limits) AS x(v) WHERE v IS NULL OR v < 1)
        OR EXISTS (SELECT 1 FROM unnest(pending_count) AS x(v) WHERE v IS NULL) THEN
      RAISE EXCEPTION 'login_admit: a limit (at least 1) and a pending flag a 32-byte key, a time, a window and an attempt id'
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    span := window_ms * interval '1 millisecond';
    at_now := least(at_time, clock_timestamp() + interval '1 minute');
    FOR pass IN 1 .. 2 LOOP
      -- pass 1: a plain read, refusing a key over its limit by decided failures alone; pass 2: under the locks
      IF pass = 2 THEN
        PERFORM set_config('lock_timeout', '2s', true);
        FOR lock_id IN SELECT DISTINCT hashtextextended(encode(v, 'hex'), 0) FROM unnest(keys) AS x(v) ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(lock_id);
        END LOOP;
      END IF;
      FOR i IN 1 .. cardinality(keys) LOOP
        SELECT count(*) FILTER (WHERE f.decided),
            count(*) FILTER (WHERE f.decided OR (pending_count[i] AND f.at > at_now - interval '1 minute'))
          INTO decided_n, n
          FROM identity.login_failures f WHERE f.key = keys[i] AND f.at > at_now - span;
        IF (CASE WHEN pass = 1 THEN decided_n ELSE n END) >= limits[i] THEN
          IF decided_n >= limits[i] THEN
            SELECT f.at INTO releasing FROM identity.login_failures f
              WHERE f.key = keys[i] AND f.decided AND f.at > at_now - span
              ORDER BY f.at OFFSET decided_n - limits[i] LIMIT 1;
            longest := greatest(longest,
              CASE WHEN releasing + span > at_now THEN releasing + span - at_now ELSE interval '1 second' END);
          ELSE
            longest := greatest(longest, interval '1 second');
          END IF;
        END IF;
      END LOOP;
      IF longest > interval '0' THEN
        RETURN ceil(extract(epoch FROM longest) * 1000)::bigint;
      END IF;
    END LOOP;
    INSERT INTO identity.login_failures (key, at, attempt) SELECT v, at_now, attempt_id FROM unnest(keys) AS x(v);
    -- forgotten only once gone by this server's clock too, whatever a node's clock says
    horizon := least(at_now, clock_timestamp()) - span;
    DELETE FROM identity.login_failures f WHERE f.key = ANY (keys) AND f.at <= horizon;
    IF random() < 0.01 THEN
      WITH stale AS MATERIALIZED (SELECT s.ctid AS row_id FROM identity.login_failures s WHERE s.at <= horizon
          LIMIT 1000 FOR UPDATE SKIP LOCKED)
        DELETE FROM identity.login_failures f WHERE f.ctid = ANY (ARRAY(SELECT row_id FROM stale));
    END IF;
    RETURN 0;
  END $$;

-- A wrong password: attempt_id's rows become decided failures.
CREATE FUNCTION identity.login_failed(attempt_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity, pg_temp
  AS $$ UPDATE identity.login_failures SET decided = true WHERE attempt = attempt_id $$;

-- Forgets attempt_id's rows (it succeeded, or ended without a verdict) and, when k is given, the decided failures of k
-- (a success clears its email or user, not other attempts still pending on it, and never an address: one good
-- account proves nothing about the address).
CREATE FUNCTION identity.login_settle(k bytea, attempt_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, identity, pg_temp
  AS $$ DELETE FROM identity.login_failures WHERE attempt = attempt_id OR (k IS NOT NULL AND key = k AND decided) $$;

REVOKE ALL ON FUNCTION identity.login_admit(bytea[], integer[], boolean[], timestamptz, bigint, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.login_failed(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION identity.login_settle(bytea, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.login_admit(bytea[], integer[], boolean[], timestamptz, bigint, uuid) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.login_failed(uuid) TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.login_settle(bytea, uuid) TO ${app_role};

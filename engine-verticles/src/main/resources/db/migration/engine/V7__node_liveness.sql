-- Placement by node liveness: a lease no longer carries its own expiry. It is valid while it is
-- not released and its holder's heartbeat row has not expired (engine.nodes.expires_at, the
-- database's clock), so one heartbeat UPDATE a round keeps every lease of a node, however many.
-- A take raises the epoch as before; a node that leaves deletes its heartbeat row, which frees
-- all its leases at once.

ALTER TABLE engine.nodes ADD COLUMN expires_at timestamptz;
-- nodes of the old scheme count as expired: their leases are free once they stop renewing them,
-- and a node coming back under its own id takes its own leases back at once
UPDATE engine.nodes SET expires_at = heartbeat_at;
ALTER TABLE engine.nodes ALTER COLUMN expires_at SET NOT NULL;

ALTER TABLE engine.leases ADD COLUMN released boolean NOT NULL DEFAULT false;
UPDATE engine.leases SET released = true WHERE expires_at <= now();
ALTER TABLE engine.leases DROP COLUMN expires_at;

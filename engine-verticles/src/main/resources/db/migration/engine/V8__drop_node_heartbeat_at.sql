-- Since V7 a node's liveness is engine.nodes.expires_at alone; heartbeat_at was still written every
-- round but read by nothing (checked across every module and test), so it goes.
ALTER TABLE engine.nodes DROP COLUMN heartbeat_at;

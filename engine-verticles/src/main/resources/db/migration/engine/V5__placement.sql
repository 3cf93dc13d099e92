-- Engine placement: which node runs which account's engine, by lease with a fencing epoch.
-- These tables hold node names and account ids only, no tenant data, and are read across tenants
-- by every node's placement loop; so they carry no row-level security (like account_directory).
-- Times are the database's own (now()), one clock for every node.

CREATE TABLE engine.nodes (
  node_id      text PRIMARY KEY,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL
);

-- A row per account ever placed. A lease is never deleted: releasing it expires it, so the epoch
-- only ever rises, and every change of holder raises it.
CREATE TABLE engine.leases (
  account_id uuid PRIMARY KEY,
  node_id    text NOT NULL,
  epoch      bigint NOT NULL CHECK (epoch > 0),
  expires_at timestamptz NOT NULL
);
CREATE INDEX leases_node ON engine.leases (node_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON engine.nodes TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON engine.leases TO ${app_role};

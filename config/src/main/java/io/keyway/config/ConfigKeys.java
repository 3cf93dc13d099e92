package io.keyway.config;

import java.util.List;

/**
 * Every configuration key Keyway reads, declared once. The same name is used in the environment
 * and in a {@code --config} file; precedence is defaults &lt; file &lt; environment, applied in
 * {@link ConfigLoader} and nowhere else.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** {@code dev} (default) or {@code production}; production refuses generated secrets and the embedded database. */
  public static final String PROFILE = "KEYWAY_PROFILE";
  /** HTTP port, 1–65535; default 8080. 0 picks a free port (tests). */
  public static final String HTTP_PORT = "KEYWAY_HTTP_PORT";
  /** Address the HTTP server binds to; default 127.0.0.1. */
  public static final String HTTP_HOST = "KEYWAY_HTTP_HOST";
  /** Directory for generated secrets and the embedded database; default {@code ./data}. */
  public static final String DATA_DIR = "KEYWAY_DATA_DIR";
  /** {@code postgresql://user:pass@host:port/db} of a real PostgreSQL; unset means the embedded one. The user must be able to create roles and own the schemas. */
  public static final String DB_URL = "KEYWAY_DB_URL";
  /** Maximum connections in the runtime pool, per node; default 8. */
  public static final String DB_POOL_SIZE = "KEYWAY_DB_POOL_SIZE";
  /** The 32-byte master key wrapping every vault data key: 64 hex characters or 44 base64 characters. */
  public static final String MASTER_KEY = "KEYWAY_MASTER_KEY";
  /** The HS256 secret for access tokens; at least 32 bytes. */
  public static final String JWT_SECRET = "KEYWAY_JWT_SECRET";
  /** The {@code iss} claim issued and required; default {@code keyway}. */
  public static final String JWT_ISSUER = "KEYWAY_JWT_ISSUER";
  /** The {@code aud} claim issued and required; default {@code keyway-api}. */
  public static final String JWT_AUDIENCE = "KEYWAY_JWT_AUDIENCE";
  /** Access token lifetime in seconds, 30–900; default 900. */
  public static final String ACCESS_TOKEN_TTL = "KEYWAY_ACCESS_TOKEN_TTL";
  /** Refresh token lifetime in seconds, 300–7,776,000; default 2,592,000 (30 days). */
  public static final String REFRESH_TOKEN_TTL = "KEYWAY_REFRESH_TOKEN_TTL";
  /** Browser origins allowed on {@code /ws} and {@code /mcp}, comma-separated; default the gateway's own origin. */
  public static final String ALLOWED_ORIGINS = "KEYWAY_ALLOWED_ORIGINS";
  /** Cluster members, {@code host:port,…}, for TCP/IP join (multicast is always off). */
  public static final String CLUSTER_MEMBERS = "KEYWAY_CLUSTER_MEMBERS";
  /** The address Hazelcast and the clustered event bus bind to and announce; default 127.0.0.1. */
  public static final String CLUSTER_HOST = "KEYWAY_CLUSTER_HOST";
  /** Hazelcast's port, 1–65535; default 5701. */
  public static final String CLUSTER_PORT = "KEYWAY_CLUSTER_PORT";
  /** The clustered event bus's port, 0–65535; default 0 (any free port). */
  public static final String CLUSTER_BUS_PORT = "KEYWAY_CLUSTER_BUS_PORT";
  /** A PKCS#12 keystore (also used as the truststore); when set, the clustered event bus runs over TLS. */
  public static final String CLUSTER_TLS_KEYSTORE = "KEYWAY_CLUSTER_TLS_KEYSTORE";
  /** The password of {@link #CLUSTER_TLS_KEYSTORE}. */
  public static final String CLUSTER_TLS_PASSWORD = "KEYWAY_CLUSTER_TLS_PASSWORD";
  /** This node's name in engine placement; default {@code <hostname>:<http port>} (stable across restarts). */
  public static final String NODE_ID = "KEYWAY_NODE_ID";
  /** Seconds an account's engine lease lasts unrenewed, 2–60; default 8 (failover takes about this long). */
  public static final String LEASE_TTL = "KEYWAY_LEASE_TTL";
  /** HTTP verticle instances per node, 1–64; default 1 ({@code --instances} overrides). */
  public static final String INSTANCES = "KEYWAY_INSTANCES";
  /** Failed logins for one email within the window before it is throttled; default 5. */
  public static final String LOGIN_MAX_FAILURES = "KEYWAY_LOGIN_MAX_FAILURES";
  /** Failed logins from one client address within the window before it is throttled; default 30. */
  public static final String LOGIN_MAX_FAILURES_PER_ADDRESS = "KEYWAY_LOGIN_MAX_FAILURES_PER_ADDRESS";
  /** The login throttling window in seconds; default 900. */
  public static final String LOGIN_WINDOW = "KEYWAY_LOGIN_WINDOW";
  /** Password hashes computed at once on the bounded Argon2 pool, beyond which logins answer 503; default 64. */
  public static final String PASSWORD_HASH_QUEUE = "KEYWAY_PASSWORD_HASH_QUEUE";

  /** Seconds between signed checkpoints of every ledger chain that moved, 1–86,400; default 60. */
  public static final String LEDGER_CHECKPOINT_INTERVAL = "KEYWAY_LEDGER_CHECKPOINT_INTERVAL";

  /** Milliseconds between two ticks of an account's engine, 50–60,000; default 1,000. */
  public static final String ENGINE_TICK_MILLIS = "KEYWAY_ENGINE_TICK_MILLIS";
  /** Seconds an order waits for approval before it expires, 10–604,800; default 900. */
  public static final String APPROVAL_TTL = "KEYWAY_APPROVAL_TTL";
  /** Requests per minute each venue credential may make (a token bucket), 1–100,000; default 200 (Alpaca's limit). */
  public static final String VENUE_REQUESTS_PER_MINUTE = "KEYWAY_VENUE_REQUESTS_PER_MINUTE";
  /** Requests per minute each token may send to {@code /mcp} (a token bucket per token), 1–100,000; default 120. */
  public static final String MCP_REQUESTS_PER_MINUTE = "KEYWAY_MCP_REQUESTS_PER_MINUTE";

  /** Base URL of Alpaca's paper trading API; default https://paper-api.alpaca.markets. */
  public static final String ALPACA_PAPER_URL = "KEYWAY_ALPACA_PAPER_URL";
  /** Base URL of Alpaca's live trading API; default https://api.alpaca.markets. */
  public static final String ALPACA_LIVE_URL = "KEYWAY_ALPACA_LIVE_URL";
  /** Base URL of Alpaca's market data API; default https://data.alpaca.markets. */
  public static final String ALPACA_DATA_URL = "KEYWAY_ALPACA_DATA_URL";

  /** Every key above, in the order {@code --print-config} shows them. */
  public static final List<String> ALL = List.of(
      PROFILE, HTTP_HOST, HTTP_PORT, DATA_DIR, DB_URL, DB_POOL_SIZE, MASTER_KEY, JWT_SECRET,
      JWT_ISSUER, JWT_AUDIENCE, ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, ALLOWED_ORIGINS,
      CLUSTER_MEMBERS, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_BUS_PORT, CLUSTER_TLS_KEYSTORE, CLUSTER_TLS_PASSWORD,
      NODE_ID, LEASE_TTL, INSTANCES, LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_WINDOW,
      PASSWORD_HASH_QUEUE, LEDGER_CHECKPOINT_INTERVAL, ENGINE_TICK_MILLIS, APPROVAL_TTL, VENUE_REQUESTS_PER_MINUTE,
      MCP_REQUESTS_PER_MINUTE,
      ALPACA_PAPER_URL, ALPACA_LIVE_URL, ALPACA_DATA_URL);

  /** Keys whose values are secret and are masked wherever configuration is shown. */
  public static final List<String> SECRET = List.of(MASTER_KEY, JWT_SECRET, DB_URL, CLUSTER_TLS_PASSWORD);
}

package io.keyway.bench;

import io.keyway.config.DbUrl;
import io.keyway.config.SecretBytes;
import io.keyway.config.db.AppPool;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.config.db.TenantScope;
import io.keyway.ledger.CheckpointSigner;
import io.keyway.ledger.Checkpoints;
import io.keyway.ledger.LedgerClient;
import io.keyway.ledger.LedgerVerticle;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * One throw-away PostgreSQL with a database created and migrated as a node does it, the runtime
 * pool, and the ledger deployed as a node deploys it ({@link LedgerVerticle#deploy}: a writer per
 * ledger loop), minus HTTP. Also keeps one owner connection for observing the server between phases
 * (never during one).
 */
final class LedgerUnderTest implements AutoCloseable {
  private static final String DATABASE = "keyway_bench";
  /** The node's default {@code KEYWAY_LEDGER_CHECKPOINT_INTERVAL}. */
  private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(60);
  private static final Duration START_LIMIT = Duration.ofMinutes(1);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  /** How long no autovacuum worker must have run before a measured phase ({@link #awaitAutovacuumIdle}). */
  private static final Duration QUIET = Duration.ofSeconds(1);
  private static final Duration AUTOVACUUM_POLL = Duration.ofMillis(200);
  /**
   * {@code -Dbench.pgStatements=true}: the durable server loads pg_stat_statements and each ledger
   * phase prints what each statement cost ({@link #statementsSinceLastReading}), a diagnostic.
   */
  static final boolean STATEMENT_STATS = Boolean.getBoolean("bench.pgStatements");

  /**
   * {@code -Dbench.pgSettings=name=value,name=value}: more settings for the durable server, on top of the
   * recommended ones, for diagnostic runs (printed with the others).
   */
  static final java.util.Map<String, String> EXTRA_SETTINGS = extraSettings(System.getProperty("bench.pgSettings", ""));

  private static java.util.Map<String, String> extraSettings(String spec) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    for (String pair : spec.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0 || !pair.substring(0, eq).strip().matches("[a-z_.]+")) {
        throw new IllegalArgumentException("bench.pgSettings: expected name=value pairs, got " + pair);
      }
      settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return java.util.Map.copyOf(settings);
  }

  private final Durability durability;
  private final Closeable postgres;
  private final DbUrl admin;
  private final DbUrl app;
  private final Connection observer;
  private final Vertx vertx;
  private final Pool pool;
  private final CheckpointSigner signer;
  private final Checkpoints checkpoints;
  private final Optional<PostgresCpuClock> postgresCpu;

  private LedgerUnderTest(Durability durability, Closeable postgres, DbUrl admin, DbUrl app, Connection observer,
      Vertx vertx, Pool pool, CheckpointSigner signer, Checkpoints checkpoints) throws SQLException {
    this.durability = durability;
    this.postgres = postgres;
    this.admin = admin;
    this.app = app;
    this.observer = observer;
    this.vertx = vertx;
    this.pool = pool;
    this.signer = signer;
    this.checkpoints = checkpoints;
    this.postgresCpu = postgresClock(observer);
  }

  /** Starts PostgreSQL, migrates, deploys the ledger; undoes what started on failure. */
  static LedgerUnderTest start(Durability durability, int poolSize) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    SecretBytes masterKey = new SecretBytes(key);
    Closeable postgres = null;
    Connection observer = null;
    Vertx vertx = null;
    try {
      Server server = startPostgres(durability);
      postgres = server.handle();
      DbUrl admin = new DbUrl("127.0.0.1", server.port(), DATABASE, EmbeddedPostgresServer.SUPERUSER, "");
      DatabaseBootstrap.ensureDatabase(admin);
      DatabaseBootstrap.migrate(admin, masterKey);
      DbUrl app = DatabaseBootstrap.appUrl(admin, masterKey);
      observer = DatabaseBootstrap.connect(admin);
      if (STATEMENT_STATS) {
        try (Statement st = observer.createStatement()) {
          st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
      }
      vertx = Vertx.vertx();
      Pool pool = AppPool.create(vertx, app, poolSize);
      TenantScope scope = new TenantScope(pool);
      CheckpointSigner signer = new CheckpointSigner(masterKey);
      Checkpoints checkpoints = new Checkpoints(scope, signer);
      Await.result(LedgerVerticle.deploy(vertx, scope, checkpoints, CHECKPOINT_EVERY), START_LIMIT);
      return new LedgerUnderTest(durability, postgres, admin, app, observer, vertx, pool, signer, checkpoints);
    } catch (Exception e) {
      if (vertx != null) {
        Await.stopped(vertx.close(), STOP_LIMIT, "Vert.x");
      }
      if (observer != null) {
        observer.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      throw e;
    }
  }

  private record Server(Closeable handle, int port) {}

  private static Server startPostgres(Durability durability) throws IOException {
    if (durability == Durability.FSYNC_OFF) {
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.startEphemeral();
      return new Server(pg::close, pg.port());
    }
    // zonky's builder turns synchronous_commit off by default: both are set here on purpose
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on");
    // the settings recommended for a node's PostgreSQL, which the node's embedded server runs too
    EmbeddedPostgresServer.RECOMMENDED_SETTINGS.forEach(builder::setServerConfig);
    EXTRA_SETTINGS.forEach(builder::setServerConfig);
    if (STATEMENT_STATS) {
      builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
          .setServerConfig("pg_stat_statements.track", "all");
    }
    EmbeddedPostgres pg = builder.start();
    return new Server(pg, pg.getPort());
  }

  Durability durability() {
    return durability;
  }

  DbUrl adminUrl() {
    return admin;
  }

  DbUrl appUrl() {
    return app;
  }

  Vertx vertx() {
    return vertx;
  }

  /** The runtime pool the ledger writes through; the baseline writes through it too. */
  Pool pool() {
    return pool;
  }

  LedgerClient client() {
    return new LedgerClient(vertx);
  }

  CheckpointSigner signer() {
    return signer;
  }

  Checkpoints checkpoints() {
    return checkpoints;
  }

  /** The owner's connection, for set-up and observation between phases (blocking). */
  Connection ownerConnection() {
    return observer;
  }

  /**
   * Reads {@link PhaseCounters} now (taking one transaction id, see {@link BenchSql#CURRENT_XID}); the
   * CPU time of PostgreSQL is its processes' on this machine (0 without {@code /proc}).
   */
  PhaseCounters counters() throws SQLException {
    long checkpoints = single(BenchSql.CHECKPOINTS_STARTED);
    return new PhaseCounters(single(BenchSql.CURRENT_XID), checkpoints, PhaseCounters.jitMillisSoFar(),
        PhaseCounters.jvmCpuNanosSoFar(), postgresCpuNanos());
  }

  /** The server's CPU clock, empty without /proc (then its CPU counts as 0). */
  private static Optional<PostgresCpuClock> postgresClock(Connection observer) throws SQLException {
    try {
      return PostgresCpuClock.of(observer);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The CPU time PostgreSQL's processes have used, those that exited included; 0 where it cannot be read. */
  private long postgresCpuNanos() {
    try {
      return postgresCpu.isPresent() ? postgresCpu.get().millis() * 1_000_000L : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * With {@link #STATEMENT_STATS} on the durable server: per statement since the last reading, calls,
   * execution ms, rows and WAL bytes, each per entry written, busiest first; then resets the counts.
   * Empty otherwise.
   */
  String statementsSinceLastReading(long entries) throws SQLException {
    if (!STATEMENT_STATS || durability != Durability.DURABLE) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT calls, total_exec_time, rows, wal_bytes, shared_blks_dirtied, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
            + "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14")) {
      while (rs.next()) {
        double n = Math.max(1, entries);
        out.append(String.format(java.util.Locale.ROOT,
            "    %9d calls  %7.2f µs  %6.2f rows  %7.1f WAL B  %5.3f dirtied  per entry | %s%n", rs.getLong(1),
            rs.getDouble(2) * 1e3 / n, rs.getLong(3) / n, rs.getBigDecimal(4).doubleValue() / n, rs.getLong(5) / n,
            rs.getString(6)));
      }
    }
    try (Statement s = observer.createStatement()) {
      s.execute("SELECT pg_stat_statements_reset()");
    }
    return out.toString();
  }

  /**
   * Vacuums and analyzes every table the load phases write (as their owner), then checkpoints; answers how long it
   * took.
   */
  Duration vacuumPhaseTables() throws SQLException {
    long start = System.nanoTime();
    try (Statement s = observer.createStatement()) {
      s.execute(BenchSql.VACUUM_PHASE_TABLES);
      // the pages VACUUM wrote would otherwise reach the disk in the kernel's own time, inside the next phase,
      // where they held up its WAL flushes: the one-chain open loop's commits waited in WalSync for ~250 ms (session 9)
      s.execute(BenchSql.CHECKPOINT);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Waits (at most {@code limit}) until no autovacuum worker has run for a second: the load phases
   * leave tables that autovacuum then works on, and a verification timed meanwhile would share the
   * cores with it. How long it waited, and the most workers seen at once.
   */
  String awaitAutovacuumIdle(Duration limit) throws SQLException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    long most = 0;
    // quiet since the last poll that saw a worker (or the start), by the clock, not by a count of polls: on loaded
    // cores a poll comes late, and five of them were not a second
    long quietSince = start;
    boolean idle = false;
    while (!idle && System.nanoTime() < deadline) {
      long workers = single("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
      most = Math.max(most, workers);
      long now = System.nanoTime();
      if (workers > 0) {
        quietSince = now;
      }
      idle = now - quietSince >= QUIET.toNanos();
      if (!idle) {
        LockSupport.parkNanos(AUTOVACUUM_POLL.toNanos());
      }
    }
    return String.format(java.util.Locale.ROOT, "%.1f s for autovacuum (up to %d worker(s) seen)%s",
        (System.nanoTime() - start) / 1e9, most, idle ? "" : ", still running at the limit");
  }

  private long single(String query) throws SQLException {
    try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One line: the PostgreSQL version and the settings that decide what a commit costs. */
  String describeServer() throws SQLException {
    try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(BenchSql.DURABILITY_SETTINGS)) {
      rs.next();
      return "PostgreSQL " + rs.getString("version") + ", fsync=" + rs.getString("fsync") + ", synchronous_commit="
          + rs.getString("synchronous_commit") + ", wal_sync_method=" + rs.getString("wal_sync_method")
          + ", shared_buffers=" + rs.getString("shared_buffers") + ", max_wal_size=" + rs.getString("max_wal_size")
          + ", checkpoint_timeout=" + rs.getString("checkpoint_timeout") + ", wal_buffers=" + rs.getString("wal_buffers")
          + ", wal_compression=" + rs.getString("wal_compression") + ", wal_init_zero=" + rs.getString("wal_init_zero")
          + (durability == Durability.DURABLE && !EXTRA_SETTINGS.isEmpty() ? ", and " + EXTRA_SETTINGS : "");
    }
  }

  /**
   * The ledger schema's migrations as applied, in order: what the measured code stores and how (a build that
   * carries a migration the sources do not, such as one left in {@code target/} by an earlier build, shows here).
   */
  String describeSchema() throws SQLException {
    try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(BenchSql.LEDGER_MIGRATIONS)) {
      List<String> applied = new ArrayList<>();
      while (rs.next()) {
        applied.add("V" + rs.getString(1) + " " + rs.getString(2));
      }
      return "ledger schema " + String.join(", ", applied);
    }
  }

  /** Stops Vert.x (the ledger signs what moved), then PostgreSQL. */
  @Override
  public void close() throws IOException {
    try {
      Await.stopped(vertx.close(), STOP_LIMIT, "Vert.x");
    } finally {
      try {
        observer.close();
      } catch (SQLException e) {
        throw new IOException("could not close the owner connection", e);
      } finally {
        postgres.close();
      }
    }
  }
}

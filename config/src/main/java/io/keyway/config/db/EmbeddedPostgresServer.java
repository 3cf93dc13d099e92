package io.keyway.config.db;

import io.keyway.config.DbUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 18 behind a node that has no {@code KEYWAY_DB_URL}: its data lives in
 * {@code <data dir>/pg} and survives restarts. A server already running on that directory (a
 * {@code serve} next to an admin command) is reused, never started twice; only the process that
 * started it stops it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  /** The superuser the embedded server is initialised with (local trust authentication). */
  public static final String SUPERUSER = "postgres";

  /**
   * What a node's PostgreSQL runs the ledger with (docs/BENCHMARKS.md, "Recommended PostgreSQL
   * settings"; the embedded server gets them, a server of one's own should too). At the ledger's
   * ~1 kB of WAL an entry the defaults (128 MB of shared buffers, a checkpoint every 1 GB of WAL)
   * start checkpoints, and then full-page images, within minutes; lz4 WAL compression is not in the
   * embedded binaries and pglz costs more CPU than it saves. {@code wal_init_zero=off}: a server that
   * has no used segments to recycle yet (a new one, or one whose WAL outgrew its last checkpoint)
   * otherwise writes 16 MB of zeros into every new segment while commits wait, a 50-90 ms stall every
   * second at 20,000 entries/s.
   */
  public static final Map<String, String> RECOMMENDED_SETTINGS = Map.of(
      "shared_buffers", "1GB",
      "max_wal_size", "8GB",
      "checkpoint_timeout", "15min",
      "wal_buffers", "64MB",
      "wal_compression", "off",
      "wal_init_zero", "off");

  private final EmbeddedPostgres started;
  private final int port;

  private EmbeddedPostgresServer(EmbeddedPostgres started, int port) {
    this.started = started;
    this.port = port;
  }

  /** Reuses the server running on {@code pgDir}, or starts one there. */
  public static EmbeddedPostgresServer startOrReuse(Path pgDir) throws IOException {
    Optional<Integer> running = runningPort(pgDir);
    if (running.isPresent()) {
      LOG.info("Reusing the embedded PostgreSQL already running on {} (port {})", pgDir, running.get());
      return new EmbeddedPostgresServer(null, running.get());
    }
    Files.createDirectories(pgDir.getParent());
    LOG.info("Starting the embedded PostgreSQL in {}", pgDir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "on")
        // zonky defaults to synchronous_commit=off; an answered ledger append must survive a crash
        .setServerConfig("synchronous_commit", "on");
    RECOMMENDED_SETTINGS.forEach(builder::setServerConfig);
    EmbeddedPostgres pg = builder.start();
    return new EmbeddedPostgresServer(pg, pg.getPort());
  }

  /** Starts a throw-away server in a fresh temporary directory (tests and benchmarks). */
  public static EmbeddedPostgresServer startEphemeral() throws IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .start();
    return new EmbeddedPostgresServer(pg, pg.getPort());
  }

  /** The superuser's URL for {@code database} on this server. */
  public DbUrl superuserUrl(String database) {
    return new DbUrl("127.0.0.1", port, database, SUPERUSER, "");
  }

  public int port() {
    return port;
  }

  /** True when this process started the server (and so will stop it). */
  public boolean ownedByThisProcess() {
    return started != null;
  }

  @Override
  public void close() throws IOException {
    if (started != null) {
      LOG.info("Stopping the embedded PostgreSQL");
      started.close();
    }
  }

  /** The port from {@code postmaster.pid} when the postmaster it names is alive. */
  static Optional<Integer> runningPort(Path pgDir) {
    Path pidFile = pgDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.size() < 4) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).trim());
      int port = Integer.parseInt(lines.get(3).trim());
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(port) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}

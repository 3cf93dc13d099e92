package io.keyway.config.db;

import io.keyway.config.DbUrl;
import io.keyway.config.MasterKeyFormat;
import io.keyway.config.SecretBytes;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM, shared by every test class: a Testcontainers one where a
 * Docker engine answers, the embedded one otherwise. Each test class asks for {@link
 * #freshDatabase()} and gets its own database, cloned from a template migrated once, so every
 * class starts on clean data without paying for migrations again.
 */
public final class TestPostgres {
  /** The master key every test database is provisioned with (tests only). */
  public static final SecretBytes MASTER_KEY = MasterKeyFormat.parse("test",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final String TEMPLATE = "keyway_template";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DbUrl server;
  private static boolean templateReady;

  private TestPostgres() {}

  /** A database of its own, migrated, with the admin and runtime URLs to reach it. */
  public static synchronized TestDatabase freshDatabase() {
    try {
      DbUrl admin = server();
      if (!templateReady) {
        DbUrl template = admin.withDatabase(TEMPLATE);
        DatabaseBootstrap.ensureDatabase(template);
        DatabaseBootstrap.migrate(template, MASTER_KEY);
        templateReady = true;
      }
      String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
      try (Connection c = DatabaseBootstrap.connect(admin.withDatabase("postgres"));
           Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        s.execute("GRANT CONNECT ON DATABASE " + name + " TO " + Schemas.APP_ROLE);
      }
      DbUrl db = admin.withDatabase(name);
      return new TestDatabase(db, DatabaseBootstrap.appUrl(db, MASTER_KEY));
    } catch (Exception e) {
      throw new IllegalStateException("test PostgreSQL unavailable: " + e.getMessage(), e);
    }
  }

  /** The shared server's superuser URL (database {@code postgres}). */
  public static synchronized DbUrl server() throws Exception {
    if (server == null) {
      server = dockerAvailable() ? startContainer() : startEmbedded();
    }
    return server;
  }

  private static DbUrl startEmbedded() throws Exception {
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.startEphemeral();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (Exception ignored) {
        // the JVM is going away; the temporary directory goes with it
      }
    }));
    return pg.superuserUrl("postgres");
  }

  @SuppressWarnings("resource") // stopped by Testcontainers' reaper at JVM exit
  private static DbUrl startContainer() {
    PostgreSQLContainer pg = new PostgreSQLContainer("postgres:18-alpine");
    pg.start();
    return new DbUrl(pg.getHost(), pg.getFirstMappedPort(), "postgres", pg.getUsername(), pg.getPassword());
  }

  private static boolean dockerAvailable() {
    if ("embedded".equals(System.getenv("KEYWAY_TEST_DB"))) {
      return false;
    }
    boolean socket = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    try {
      return socket && DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A test's own database. */
  public record TestDatabase(DbUrl admin, DbUrl app) {
    /** A runtime pool (the non-owner role) on this database. */
    public Pool appPool(Vertx vertx) {
      return AppPool.create(vertx, app, 8);
    }
  }
}

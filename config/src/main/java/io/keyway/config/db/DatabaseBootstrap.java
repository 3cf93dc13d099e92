package io.keyway.config.db;

import io.keyway.config.DbUrl;
import io.keyway.config.SecretBytes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking database set-up, run once per start off the event loop: the database itself (embedded
 * only), the runtime role, then every module's migrations in {@link Schemas#ORDER}.
 *
 * <p>The runtime role's password is derived from the master key (HMAC with a fixed label), so
 * every node of a cluster computes the same one without another secret to distribute.
 */
public final class DatabaseBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBootstrap.class);
  private static final String PASSWORD_LABEL = "keyway/db/app-role-password/v1";

  private DatabaseBootstrap() {}

  /** Creates {@code admin.database()} if it does not exist, connecting to {@code postgres}. */
  public static void ensureDatabase(DbUrl admin) throws SQLException {
    try (Connection c = connect(admin.withDatabase("postgres"));
         Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + identifier(admin.database()) + "'");
      if (!rs.next()) {
        try {
          s.execute("CREATE DATABASE \"" + identifier(admin.database()) + "\"");
        } catch (SQLException e) {
          if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another process won the race
            throw e;
          }
        }
      }
    }
  }

  /** The advisory lock that serialises bootstrap across processes sharing one database ("keyw"). */
  private static final long BOOTSTRAP_LOCK = 0x6b657977L;

  /**
   * Creates or updates the runtime role, then applies every schema's pending migrations. Nodes of a
   * cluster start together against one database: they take turns (a session advisory lock), since
   * PostgreSQL refuses two concurrent changes of one role ("tuple concurrently updated").
   */
  public static List<String> migrate(DbUrl admin, SecretBytes masterKey) throws SQLException {
    try (Connection lock = connect(admin); Statement s = lock.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + BOOTSTRAP_LOCK + ")");
      return migrateLocked(admin, masterKey);
    } // closing the session releases the lock
  }

  private static List<String> migrateLocked(DbUrl admin, SecretBytes masterKey) throws SQLException {
    ensureAppRole(admin, appRolePassword(masterKey));
    List<String> applied = new ArrayList<>();
    for (String schema : Schemas.ORDER) {
      if (DatabaseBootstrap.class.getClassLoader()
          .getResource("db/migration/" + schema + "/V1__" + schema + ".sql") == null) {
        continue;
      }
      var result = Flyway.configure(DatabaseBootstrap.class.getClassLoader())
          .dataSource(admin.jdbcUrl(), admin.user(), admin.password())
          .schemas(schema)
          .createSchemas(true)
          .table("flyway_schema_history")
          .locations("classpath:db/migration/" + schema)
          .placeholders(Map.of("app_role", Schemas.APP_ROLE, "owner_role", admin.user()))
          .load()
          .migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("Schema {}: {} migration(s) applied, now at version {}", schema,
            result.migrationsExecuted, result.targetSchemaVersion);
      } else {
        LOG.info("Schema {}: up to date", schema);
      }
      applied.add(schema);
    }
    return applied;
  }

  /** The URL the runtime pool uses: same server and database, the runtime role. */
  public static DbUrl appUrl(DbUrl admin, SecretBytes masterKey) {
    return admin.withCredentials(Schemas.APP_ROLE, appRolePassword(masterKey));
  }

  static String appRolePassword(SecretBytes masterKey) {
    return HexFormat.of().formatHex(masterKey.derive(PASSWORD_LABEL));
  }


  private static void ensureAppRole(DbUrl admin, String password) throws SQLException {
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + Schemas.APP_ROLE + "'");
      if (!rs.next()) {
        try {
          s.execute("CREATE ROLE " + Schemas.APP_ROLE
              + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT");
        } catch (SQLException e) {
          // 42710 duplicate_object, 23505 unique_violation: a concurrent node created it first
          if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
            throw e;
          }
        }
      }
      // the password is hex from an HMAC, so it is safe inside the literal
      s.execute("ALTER ROLE " + Schemas.APP_ROLE + " WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + password + "'");
      s.execute("GRANT CONNECT ON DATABASE \"" + identifier(admin.database()) + "\" TO " + Schemas.APP_ROLE);
    }
  }

  /** A plain JDBC connection (for bootstrap, the CLI and tests; never on an event loop). */
  public static Connection connect(DbUrl url) throws SQLException {
    return connect(url, new Properties());
  }

  /** The same with further pgjdbc properties (e.g. {@link UnixSocketFactory#properties}). */
  public static Connection connect(DbUrl url, Properties extra) throws SQLException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", url.user());
    p.setProperty("password", url.password());
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  private static String identifier(String name) {
    if (!name.matches("[A-Za-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("database names are limited to [A-Za-z0-9_]");
    }
    return name;
  }
}

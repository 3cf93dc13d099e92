package io.keyway.gateway;

import io.keyway.config.DbUrl;
import io.keyway.config.KeywayConfig;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of one node, opened and migrated: the configured PostgreSQL, or the embedded one
 * under the data dir (reused when another Keyway process on that data dir already runs it).
 * Blocking: call it from a worker or before Vert.x starts.
 */
public final class NodeDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDatabase.class);
  /** The database the embedded server holds Keyway's schemas in. */
  static final String EMBEDDED_DATABASE = "keyway";

  private final Optional<EmbeddedPostgresServer> embedded;
  private final DbUrl admin;
  private final DbUrl app;

  private NodeDatabase(Optional<EmbeddedPostgresServer> embedded, DbUrl admin, DbUrl app) {
    this.embedded = embedded;
    this.admin = admin;
    this.app = app;
  }

  /** Starts or reuses the database and applies every pending migration. */
  public static NodeDatabase open(KeywayConfig config) throws IOException, SQLException {
    Optional<EmbeddedPostgresServer> embedded = Optional.empty();
    DbUrl admin;
    if (config.dbUrl().isPresent()) {
      admin = config.dbUrl().get();
    } else {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.startOrReuse(config.dataDir().resolve("pg"));
      embedded = Optional.of(server);
      admin = server.superuserUrl(EMBEDDED_DATABASE);
      try {
        DatabaseBootstrap.ensureDatabase(admin);
      } catch (SQLException e) {
        server.close();
        throw e;
      }
    }
    try {
      DatabaseBootstrap.migrate(admin, config.masterKey());
    } catch (RuntimeException | SQLException e) {
      if (embedded.isPresent()) {
        embedded.get().close();
      }
      throw e;
    }
    LOG.info("Database ready: {}", admin.withCredentials(admin.user(), "").toString());
    return new NodeDatabase(embedded, admin, DatabaseBootstrap.appUrl(admin, config.masterKey()));
  }

  /** The runtime role's URL. */
  public DbUrl appUrl() {
    return app;
  }

  /** The owner's URL (migrations, and admin commands that must see every tenant). */
  public DbUrl adminUrl() {
    return admin;
  }

  /** Stops the embedded server if this process started it. */
  @Override
  public void close() {
    embedded.ifPresent(server -> {
      try {
        server.close();
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    });
  }
}

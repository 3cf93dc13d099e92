package io.keyway.config.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseBootstrapTest {

  @Test
  @DisplayName("the runtime role can log in and is neither superuser nor BYPASSRLS, nor able to create roles")
  void runtimeRoleIsPowerless() throws Exception {
    var db = TestPostgres.freshDatabase();
    try (Connection c = DatabaseBootstrap.connect(db.app());
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, current_user FROM pg_roles WHERE rolname = current_user")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("superuser").isFalse();
      assertThat(rs.getBoolean(2)).as("bypassrls").isFalse();
      assertThat(rs.getBoolean(3)).as("createrole").isFalse();
      assertThat(rs.getBoolean(4)).as("createdb").isFalse();
      assertThat(rs.getString(5)).isEqualTo(Schemas.APP_ROLE);
    }
  }

  @Test
  @DisplayName("migrating twice is a no-op, and the runtime password is derived from the master key")
  void migrationIsIdempotent() throws Exception {
    var db = TestPostgres.freshDatabase();
    DatabaseBootstrap.migrate(db.admin(), TestPostgres.MASTER_KEY);
    DatabaseBootstrap.migrate(db.admin(), TestPostgres.MASTER_KEY);
    assertThat(DatabaseBootstrap.appRolePassword(TestPostgres.MASTER_KEY)).hasSize(64)
        .isEqualTo(DatabaseBootstrap.appRolePassword(TestPostgres.MASTER_KEY));
    try (Connection c = DatabaseBootstrap.connect(db.app())) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  @DisplayName("nodes starting together against one database all bootstrap it (they take turns)")
  void concurrentBootstrap() throws Exception {
    var db = TestPostgres.freshDatabase();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      var starts = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int i = 0; i < 6; i++) {
        starts.add(pool.submit(() -> DatabaseBootstrap.migrate(db.admin(), TestPostgres.MASTER_KEY)));
      }
      for (var start : starts) {
        start.get(60, java.util.concurrent.TimeUnit.SECONDS); // each succeeds: no "tuple concurrently updated"
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = DatabaseBootstrap.connect(db.app())) {
      assertThat(c.isValid(2)).isTrue();
    }
  }
}

package io.keyway.gateway.identity;

import org.junit.jupiter.api.AfterAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.gateway.TestGateway;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The database itself keeps tenants apart, whatever the application code does. */
@Timeout(120)
class RowLevelSecurityTest {
  private static final List<String> TENANT_TABLES = List.of("identity.tenants", "identity.users",
      "identity.refresh_families", "identity.refresh_tokens", "identity.api_tokens");
  private static TestGateway gw;
  private static TestGateway.Session a;
  private static TestGateway.Session b;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    a = gw.signedIn("rls-a", "a@rls.test", Role.ADMIN);
    b = gw.signedIn("rls-b", "b@rls.test", Role.ADMIN);
    gw.api().post("/api/account/tokens", a.accessToken(), new io.vertx.core.json.JsonObject().put("name", "t"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Connection app() throws SQLException {
    return DatabaseBootstrap.connect(gw.database().app());
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("the runtime role with no tenant set reads no tenant row")
  void noTenantNoRows() throws Exception {
    try (Connection c = app()) {
      for (String table : TENANT_TABLES) {
        assertThat(count(c, table)).as(table).isZero();
      }
    }
    try (Connection owner = DatabaseBootstrap.connect(gw.database().admin())) {
      // the rows are there: the owner (a superuser here) sees them
      assertThat(count(owner, "identity.users")).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  @DisplayName("with tenant A set for the transaction, only tenant A's rows are visible, and only for that transaction")
  void tenantScopedPerTransaction() throws Exception {
    try (Connection c = app()) {
      c.setAutoCommit(false);
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('keyway.tenant_id', ?, true)")) {
        set.setString(1, a.tenantId());
        set.execute();
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT email FROM identity.users")) {
        List<String> emails = new java.util.ArrayList<>();
        while (rs.next()) {
          emails.add(rs.getString(1));
        }
        assertThat(emails).containsExactly("a@rls.test");
      }
      assertThat(count(c, "identity.api_tokens")).isEqualTo(1);
      c.commit();
      assertThat(count(c, "identity.users")).as("after commit the setting is gone").isZero();
    }
  }

  @Test
  @DisplayName("the runtime role cannot write a row into another tenant than the one set")
  void cannotWriteAcrossTenants() throws Exception {
    try (Connection c = app()) {
      c.setAutoCommit(false);
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('keyway.tenant_id', ?, true)")) {
        set.setString(1, a.tenantId());
        set.execute();
      }
      assertThatThrownBy(() -> {
        try (PreparedStatement ins = c.prepareStatement("UPDATE identity.users SET tenant_id = ?::uuid")) {
          ins.setString(1, b.tenantId());
          ins.executeUpdate();
        }
      }).isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
      c.rollback();
    }
  }

  @Test
  @DisplayName("the runtime role owns no table and is neither superuser nor BYPASSRLS, and cannot read the directory")
  void runtimeRoleIsNotPrivileged() throws Exception {
    try (Connection c = app(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
        rs.next();
        assertThat(rs.getBoolean(1)).isFalse();
        assertThat(rs.getBoolean(2)).isFalse();
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM pg_tables WHERE tableowner = current_user")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              + "WHERE n.nspname = 'identity' AND c.relkind = 'r' AND c.relname NOT LIKE '%directory' "
              + "AND c.relname <> 'flyway_schema_history' AND NOT (c.relrowsecurity AND c.relforcerowsecurity) "
              // a table the runtime role may not touch at all is reached only through functions that answer for it
              + "AND (has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'INSERT') "
              + "OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE'))")) {
        assertThat(rs.next()).as("every identity table the runtime role can touch has RLS enabled and forced").isFalse();
      }
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM identity.login_failures"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM identity.email_directory"))
          .hasMessageContaining("permission denied");
    }
  }
}

package io.keyway.gateway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.vault.ResolvedCredential;
import io.keyway.vault.VaultClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.slf4j.LoggerFactory;

/**
 * A known key id and secret go in through the API; a whole scenario runs (add, list, rotate, use,
 * unlink); then every log line, every HTTP response, /metrics, every ledger entry, a data dump of
 * every table, and every file of the database server's data directory (WAL included) are searched
 * for the plaintext, as text, hex and base64. It must appear nowhere.
 *
 * <p>The dump is made with COPY of every table rather than pg_dump: the pg_dump this machine's
 * Debian ships (15) refuses a PostgreSQL 18 server. The data-directory scan covers more than a dump.
 */
@Timeout(180)
class SecretCanaryTest {
  private static final String KEY_ID = "PKCANARYKEYID7Q2XW9ZR";
  private static final String SECRET = "canarySECRETzq8Jx2Lm5Np7Rt9Vb";
  private static final String KEY_ID_2 = "PKCANARYROTATED4H6K8M2";
  private static final String SECRET_2 = "canaryROTATEDpw4Xy6Za8Cd0Ef";

  @Test
  @DisplayName("a venue key's plaintext reaches no log, response, metric, ledger entry, table or database file")
  void plaintextAppearsNowhere() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> seen = new ArrayList<>();
    TestGateway gw = TestGateway.start();
    try {
      Api api = gw.api();
      TestGateway.Session s = gw.signedIn("canary", "cana@canary.test", Role.OPERATOR);
      JsonObject key = new JsonObject().put("provider", "alpaca").put("label", "main").put("keyId", KEY_ID).put("secret", SECRET);
      seen.add(api.post("/api/account/keys", s.accessToken(), key).body());
      seen.add(api.post("/api/account/keys", s.accessToken(), key.copy().put("label", "Bad Label")).body());
      seen.add(api.get("/api/account/keys", s.accessToken()).body());

      try (ResolvedCredential used = new VaultClient(gw.node().vertx())
          .resolve(UUID.fromString(s.tenantId()), UUID.fromString(s.userId()), "alpaca", "main")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)) {
        assertThat(used.keyId().reveal()).isEqualTo(KEY_ID); // the vault really holds it
        assertThat(used.secret().reveal()).isEqualTo(SECRET);
        assertThat(used.toString()).doesNotContain(SECRET);
      }
      Api.Response rotated = api.post("/api/account/keys", s.accessToken(),
          key.copy().put("keyId", KEY_ID_2).put("secret", SECRET_2));
      seen.add(rotated.body());
      seen.add(api.get("/api/account/keys", s.accessToken()).body());
      seen.add(api.delete("/api/account/keys/" + rotated.json().getString("id"), s.accessToken()).body());
      seen.add(api.get("/api/account/keys", s.accessToken()).body());
      seen.add(api.get("/api/ledger/entries?limit=500", s.accessToken()).body());
      seen.add(api.get("/metrics", null).body());

      try (Connection c = DatabaseBootstrap.connect(gw.database().admin()); Statement st = c.createStatement()) {
        st.execute("CHECKPOINT");
        seen.add(dumpEveryTable(c));
        seen.add(dataDirectory(c));
      }
    } finally {
      gw.close();
      root.detachAppender(logs);
    }
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(seen).hasSizeGreaterThan(10);
    for (String plaintext : List.of(KEY_ID, SECRET, KEY_ID_2, SECRET_2)) {
      List<String> forms = List.of(plaintext, plaintext.substring(4, plaintext.length() - 3),
          HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8)),
          Base64.getEncoder().encodeToString(plaintext.getBytes(StandardCharsets.UTF_8)));
      for (String where : seen) {
        for (String form : forms) {
          assertThat(where).doesNotContain(form);
        }
      }
    }
  }

  /** Every row of every table in every schema, as COPY writes it: the data part of a dump. */
  private static String dumpEveryTable(Connection c) throws Exception {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
            + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertThat(tables).contains("vault.credentials", "ledger.blocks", "identity.users");
    CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String t : tables) {
      copy.copyOut("COPY " + t + " TO STDOUT", out);
    }
    String dump = out.toString(StandardCharsets.UTF_8);
    assertThat(dump).contains("cana@canary.test"); // the dump does hold the scenario's rows
    return dump;
  }

  /** Every file under the server's data directory, as Latin-1 text (so bytes survive as chars). */
  private static String dataDirectory(Connection c) throws Exception {
    Path dir;
    try (ResultSet rs = c.createStatement().executeQuery("SHOW data_directory")) {
      rs.next();
      dir = Path.of(rs.getString(1));
    }
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try {
          all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
        } catch (java.io.IOException vanished) {
          // temporary files come and go while the server runs
        }
      }
    }
    assertThat(all.toString()).contains("cana@canary.test"); // the scan does see the scenario's data
    return all.toString();
  }
}

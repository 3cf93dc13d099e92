package io.keyway.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigLoader;
import io.keyway.config.MasterKeyFormat;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.Api;
import io.keyway.gateway.Node;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.MasterKey;
import io.keyway.vault.MasterKeyRotation;
import io.keyway.vault.ResolvedCredential;
import io.keyway.vault.VaultClient;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class VaultRewrapTest {
  private static final String NEW_KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
  @TempDir Path dir;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private Path config(TestPostgres.TestDatabase db, String masterKeyHex) throws Exception {
    Path f = dir.resolve("keyway-" + System.nanoTime() + ".conf");
    Files.writeString(f, "KEYWAY_DB_URL=" + db.admin().unmasked() + "\nKEYWAY_MASTER_KEY=" + masterKeyHex
        + "\nKEYWAY_JWT_SECRET=" + TestGateway.JWT_SECRET + "\nKEYWAY_DATA_DIR=" + dir.resolve("data")
        + "\nKEYWAY_HTTP_PORT=0\n");
    return f;
  }

  private static String[] cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Keyway.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  private static long underKey(TestPostgres.TestDatabase db, String keyId) throws Exception {
    try (Connection c = DatabaseBootstrap.connect(db.admin());
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM vault.credentials WHERE master_key_id = '" + keyId + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("rewrap of 1,000 credentials: interrupted, resumed (naming what was left), then the old key is refused")
  void rewrapThousand() throws Exception {
    MasterKey oldKey = new MasterKey(TestPostgres.MASTER_KEY);
    MasterKey newKey = new MasterKey(MasterKeyFormat.parse("test", NEW_KEY));
    TestGateway gw = TestGateway.start();
    TestPostgres.TestDatabase db = gw.database();
    List<TestGateway.Session> owners = List.of(gw.signedIn("rw-a", "a@rw.test", Role.OPERATOR),
        gw.signedIn("rw-a", "b@rw.test", Role.OPERATOR), gw.signedIn("rw-b", "c@rw.test", Role.OPERATOR));
    var vault = gw.node().services().vault();
    Future<?> linking = Future.succeededFuture();
    for (int i = 0; i < 1000; i++) {
      TestGateway.Session o = owners.get(i % 3);
      int n = i;
      linking = linking.compose(x -> vault.link(UUID.fromString(o.tenantId()), UUID.fromString(o.userId()), "alpaca",
          "k" + n, "PKKEYID" + String.format("%06d", n), "secret-" + n + "-value"));
    }
    await(linking);
    assertThat(underKey(db, oldKey.id())).isEqualTo(1000);

    // an interrupted run: 300 of tenant A's credentials moved, then the process died
    TenantScope scope = new TenantScope(gw.node().services().pool());
    MasterKeyRotation partial = new MasterKeyRotation(scope, new EnvelopeCipher(newKey, oldKey));
    UUID tenantA = UUID.fromString(owners.get(0).tenantId());
    assertThat(await(partial.rewrap(tenantA, 300))).isEqualTo(300);
    List<UUID> left = await(partial.pending(tenantA));
    gw.close();

    // the old key still opens what is left under it, and still starts a node
    String[] resumed = cli("vault", "rewrap", "--new-key", NEW_KEY, "--config", config(db, hex(TestPostgres.MASTER_KEY)).toString());
    assertThat(resumed[0]).as(resumed[1] + resumed[2]).isEqualTo("0");
    assertThat(resumed[1]).contains("not yet under key " + newKey.id()).contains(left.get(0).toString())
        .contains(left.get(left.size() - 1).toString()).contains("retired");
    assertThat(underKey(db, oldKey.id())).isZero();
    assertThat(underKey(db, newKey.id())).isEqualTo(1000);

    // afterwards the old key is refused, by the CLI and by a node
    String[] refused = cli("ledger", "verify", "--config", config(db, hex(TestPostgres.MASTER_KEY)).toString());
    assertThat(refused[0]).isEqualTo("1");
    assertThat(refused[2]).contains("retired");
    var oldConfig = ConfigLoader.load(Map.of(), Optional.of(config(db, hex(TestPostgres.MASTER_KEY))));
    assertThat(Node.start(oldConfig).toCompletionStage().toCompletableFuture().handle((n, e) -> e).get(60, TimeUnit.SECONDS))
        .isNotNull().hasMessageContaining("retired");

    // the new key opens every credential, and the ledger still verifies (its heads were re-signed)
    Node node = await(Node.start(ConfigLoader.load(Map.of(), Optional.of(config(db, NEW_KEY)))));
    try {
      List<Future<ResolvedCredential>> opened = new ArrayList<>();
      for (int i = 0; i < 1000; i += 97) {
        TestGateway.Session o = owners.get(i % 3);
        opened.add(new VaultClient(node.vertx()).resolve(UUID.fromString(o.tenantId()), UUID.fromString(o.userId()),
            "alpaca", "k" + i));
      }
      for (int j = 0; j < opened.size(); j++) {
        try (ResolvedCredential c = await(opened.get(j))) {
          assertThat(c.secret().reveal()).isEqualTo("secret-" + (j * 97) + "-value");
        }
      }
      Api api = new Api("http://127.0.0.1:" + node.httpPort());
      String token = api.post("/api/auth/login", null, new io.vertx.core.json.JsonObject().put("email", "a@rw.test")
          .put("password", "password-for-a@rw.test")).json().getString("accessToken");
      assertThat(token).isNotNull();
    } finally {
      await(node.stop());
    }
    String[] verify = cli("ledger", "verify", "--config", config(db, NEW_KEY).toString());
    assertThat(verify[0]).as(verify[1] + verify[2]).isEqualTo("0");
    assertThat(verify[1]).contains("rw-a: ok").contains("rw-b: ok");
  }

  private static String hex(io.keyway.config.SecretBytes key) {
    return MasterKeyFormat.hex(key.copy());
  }
}

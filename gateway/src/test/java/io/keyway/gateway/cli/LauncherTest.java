package io.keyway.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigLoader;
import io.keyway.gateway.Api;
import io.keyway.gateway.Node;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as an operator meets it, on the embedded PostgreSQL in a data dir: the admin
 * commands with and without a running gateway, and a restart that keeps users and tokens.
 */
@Timeout(300)
class LauncherTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Keyway.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path configFile(String... extra) throws Exception {
    Path f = dir.resolve("keyway-" + System.nanoTime() + ".conf");
    StringBuilder sb = new StringBuilder("KEYWAY_DATA_DIR=" + dir.resolve("data") + "\nKEYWAY_HTTP_PORT=0\n");
    for (String line : extra) {
      sb.append(line).append('\n');
    }
    Files.writeString(f, sb.toString());
    return f;
  }

  private static Node start(Path config) throws Exception {
    return Node.start(ConfigLoader.load(Map.of(), Optional.of(config))).toCompletionStage().toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
  }

  private static void stop(Node node) throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("create-user works without and beside a running gateway, and a restart keeps users and tokens")
  void embeddedLifecycle() throws Exception {
    Path config = configFile();
    Run first = cli("create-user", "boss@acme.test", "--role", "admin", "--tenant", "acme", "--config", config.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("Created admin boss@acme.test in tenant 'acme'").contains("Password (shown once): ");
    String generated = first.out().lines().filter(l -> l.startsWith("Password (shown once): ")).findFirst().orElseThrow()
        .substring("Password (shown once): ".length());
    Path pidFile = dir.resolve("data/pg/postmaster.pid");
    assertThat(pidFile).as("the CLI stops the database it started").doesNotExist();

    Node node = start(config);
    Api api = new Api("http://127.0.0.1:" + node.httpPort());
    JsonObject login = api.post("/api/auth/login", null, new JsonObject().put("email", "boss@acme.test").put("password", generated)).json();
    assertThat(login.getBoolean("mustResetPassword")).isTrue();
    String access = login.getString("accessToken");
    assertThat(api.post("/api/auth/password", access, new JsonObject().put("currentPassword", generated)
        .put("newPassword", "boss-chosen-password")).status()).isEqualTo(204);
    String apiToken = api.post("/api/account/tokens", access, new JsonObject().put("name", "agent")).json().getString("token");
    String refresh = login.getString("refreshToken");

    Run beside = cli("create-user", "op@acme.test", "--password", "operator-password-1", "--no-reset", "--tenant", "acme",
        "--config", config.toString());
    assertThat(beside.code()).as(beside.err()).isZero();
    assertThat(beside.out()).doesNotContain("Password (shown once)");
    assertThat(pidFile).as("the CLI leaves the gateway's database running").exists();
    assertThat(api.post("/api/auth/login", null, new JsonObject().put("email", "op@acme.test").put("password", "operator-password-1"))
        .json().getBoolean("mustResetPassword")).isFalse();
    stop(node);
    assertThat(pidFile).as("the gateway stops its database cleanly").doesNotExist();

    Node again = start(config);
    try {
      Api api2 = new Api("http://127.0.0.1:" + again.httpPort());
      assertThat(api2.get("/api/account/me", access).status()).as("access token survives").isEqualTo(200);
      assertThat(api2.get("/api/account/me", apiToken).status()).as("API token survives").isEqualTo(200);
      assertThat(api2.post("/api/auth/refresh", null, new JsonObject().put("refreshToken", refresh)).status())
          .as("refresh token survives").isEqualTo(200);
      assertThat(api2.post("/api/auth/login", null, new JsonObject().put("email", "boss@acme.test")
          .put("password", "boss-chosen-password")).status()).isEqualTo(200);
    } finally {
      stop(again);
    }
    Run verify = cli("ledger", "verify", "--config", config.toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).containsPattern("acme: ok, \\d+ entries, head seq \\d+");
    assertThat(cli("ledger", "verify", "--tenant", "nope", "--config", config.toString()).code()).isEqualTo(1);
    assertThat(cli("ledger", "frobnicate").code()).isEqualTo(2);
  }

  @Test
  @DisplayName("configuration errors exit 2 with one line naming the key")
  void configurationErrors() throws Exception {
    Run port = cli("migrate", "--config", configFile("KEYWAY_HTTP_PORT=70000").toString());
    assertThat(port.code()).isEqualTo(2);
    assertThat(port.err().strip()).isEqualTo("keyway: configuration error: KEYWAY_HTTP_PORT: must be from 0 to 65535 (got 70000)");
    Run key = cli("serve", "--config", configFile("KEYWAY_MASTER_KEY=tooshort").toString());
    assertThat(key.code()).isEqualTo(2);
    assertThat(key.err()).contains("KEYWAY_MASTER_KEY").doesNotContain("tooshort").hasLineCount(1);
    Run missing = cli("serve", "--config", dir.resolve("nope.conf").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--config").contains("cannot read");
    Run db = cli("migrate", "--config", configFile("KEYWAY_DB_URL=mysql://u:secretpw@h/db").toString());
    assertThat(db.code()).isEqualTo(2);
    assertThat(db.err()).contains("KEYWAY_DB_URL").doesNotContain("secretpw");
    // a cluster shares one database; in production its event bus must run over mutual TLS
    Run embedded = cli("serve", "--cluster", "--config", configFile().toString());
    assertThat(embedded.code()).isEqualTo(2);
    assertThat(embedded.err()).contains("KEYWAY_DB_URL").contains("--cluster").hasLineCount(1);
    Run plain = cli("serve", "--cluster", "--config", configFile("KEYWAY_PROFILE=production",
        "KEYWAY_DB_URL=postgresql://u:secretpw@127.0.0.1:1/db", "KEYWAY_MASTER_KEY=" + "ab".repeat(32),
        "KEYWAY_JWT_SECRET=" + "j".repeat(40)).toString());
    assertThat(plain.code()).isEqualTo(2);
    assertThat(plain.err()).contains("KEYWAY_CLUSTER_TLS_KEYSTORE").doesNotContain("secretpw").hasLineCount(1);
    Run origins = cli("serve", "--config", configFile("KEYWAY_ALLOWED_ORIGINS=https://desk.example, not an origin").toString());
    assertThat(origins.code()).isEqualTo(2);
    assertThat(origins.err()).contains("KEYWAY_ALLOWED_ORIGINS").hasLineCount(1);
  }

  @Test
  @DisplayName("a configuration error raised while the node deploys (wrapped) still exits 2 naming the key")
  void wrappedConfigurationError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var wrapped = new java.util.concurrent.ExecutionException(new java.util.concurrent.CompletionException(
        new io.keyway.config.ConfigException("KEYWAY_ALLOWED_ORIGINS", "not an origin: 'x'")));
    int code = Keyway.failed("serve", wrapped, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith("keyway: configuration error: KEYWAY_ALLOWED_ORIGINS").hasLineCount(1);
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    int failed = Keyway.failed("serve", new java.util.concurrent.ExecutionException(new IllegalStateException("port in use")),
        new PrintStream(other, true, StandardCharsets.UTF_8));
    assertThat(failed).isEqualTo(1);
    assertThat(other.toString(StandardCharsets.UTF_8).strip()).isEqualTo("keyway serve: failed: port in use");
  }

  @Test
  @DisplayName("keygen prints a fresh 32-byte key in both spellings; help and usage errors are clear")
  void keygenAndHelp() {
    Run k = cli("keygen");
    assertThat(k.code()).isZero();
    String hex = k.out().lines().filter(l -> l.startsWith("hex:")).findFirst().orElseThrow().substring(4).strip();
    String b64 = k.out().lines().filter(l -> l.startsWith("base64:")).findFirst().orElseThrow().substring(7).strip();
    assertThat(hex).hasSize(64).matches("[0-9a-f]+");
    assertThat(java.util.Base64.getDecoder().decode(b64)).isEqualTo(java.util.HexFormat.of().parseHex(hex));
    assertThat(cli("keygen").out()).isNotEqualTo(k.out());

    for (String command : new String[] {"serve", "create-user", "keygen", "migrate"}) {
      Run help = cli(command, "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).startsWith("Usage: keyway " + command);
    }
    assertThat(cli("--help").out()).contains("serve").contains("create-user").contains("keygen").contains("migrate");
    assertThat(cli("frobnicate").code()).isEqualTo(2);
    Run badRole = cli("create-user", "x@y.test", "--role", "root");
    assertThat(badRole.code()).isEqualTo(2);
    assertThat(badRole.err()).contains("--role");
    assertThat(cli("create-user").code()).isEqualTo(2);
    assertThat(cli("serve", "--instances", "0").code()).isEqualTo(2);
  }

  @Test
  @DisplayName("serve --print-config shows the effective values with secrets masked")
  void printConfig() throws Exception {
    Run r = cli("serve", "--print-config", "--config", configFile(
        "KEYWAY_MASTER_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "KEYWAY_JWT_SECRET=jwt-secret-jwt-secret-jwt-secret-jwt").toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("KEYWAY_HTTP_PORT=0  [file]").contains("KEYWAY_MASTER_KEY=******")
        .doesNotContain("00112233445566778899").doesNotContain("jwt-secret-jwt");
  }
}

package io.keyway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  private static final String JWT = "a-jwt-secret-that-is-long-enough-1234";

  @TempDir Path dir;

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put(ConfigKeys.DATA_DIR, dir.resolve("data").toString());
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private static void assertConfigError(Runnable r, String key, String fragment) {
    assertThatThrownBy(r::run)
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
        .hasMessageContaining(fragment);
  }

  @Test
  @DisplayName("with nothing configured, dev defaults apply and secrets are generated with mode 0600")
  void devDefaults() throws Exception {
    KeywayConfig c = ConfigLoader.load(env(), Optional.empty());
    assertThat(c.profile()).isEqualTo(Profile.DEV);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.embeddedDatabase()).isTrue();
    assertThat(c.masterKey().length()).isEqualTo(32);
    Path key = dir.resolve("data/master.key");
    Path jwt = dir.resolve("data/jwt.secret");
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.getPosixFilePermissions(jwt))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  @DisplayName("generated dev secrets are reused on the next start")
  void devSecretsReused() {
    KeywayConfig first = ConfigLoader.load(env(), Optional.empty());
    KeywayConfig second = ConfigLoader.load(env(), Optional.empty());
    assertThat(second.masterKey()).isEqualTo(first.masterKey());
    assertThat(second.jwtSecret()).isEqualTo(first.jwtSecret());
  }

  @Test
  @DisplayName("the environment overrides the file, which overrides the defaults")
  void precedence() throws Exception {
    Path file = dir.resolve("keyway.conf");
    Files.writeString(file, "# comment\nKEYWAY_HTTP_PORT=9001\nKEYWAY_HTTP_HOST=0.0.0.0\n\nKEYWAY_JWT_ISSUER=\"from-file\"\n");
    KeywayConfig c = ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "9002"), Optional.of(file));
    assertThat(c.httpPort()).isEqualTo(9002);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.jwtIssuer()).isEqualTo("from-file");
    assertThat(c.accessTokenTtl().toSeconds()).isEqualTo(900);
  }

  @Test
  @DisplayName("a master key that is not 32 bytes of hex or base64 is refused, naming the key and not echoing it")
  void badMasterKey() {
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.MASTER_KEY, "abc123"), Optional.empty()),
        ConfigKeys.MASTER_KEY, "64 hex or 44 base64");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.MASTER_KEY, "z".repeat(64)), Optional.empty()),
        ConfigKeys.MASTER_KEY, "64 hex or 44 base64");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.MASTER_KEY, "!".repeat(44)), Optional.empty()),
        ConfigKeys.MASTER_KEY, "not valid base64");
    // 44 base64 characters that decode to 33 bytes cannot exist; 31 bytes padded is 44 too
    String thirtyOne = java.util.Base64.getEncoder().encodeToString(new byte[31]);
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.MASTER_KEY, thirtyOne), Optional.empty()),
        ConfigKeys.MASTER_KEY, "31 bytes");
    try {
      ConfigLoader.load(env(ConfigKeys.MASTER_KEY, "secretsecret"), Optional.empty());
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain("secretsecret");
    }
  }

  @Test
  @DisplayName("a master key in hex and the same key in base64 are the same key")
  void masterKeyBothSpellings() {
    byte[] raw = java.util.HexFormat.of().parseHex(HEX_KEY);
    KeywayConfig hex = ConfigLoader.load(env(ConfigKeys.MASTER_KEY, HEX_KEY, ConfigKeys.JWT_SECRET, JWT), Optional.empty());
    KeywayConfig b64 = ConfigLoader.load(env(ConfigKeys.MASTER_KEY, java.util.Base64.getEncoder().encodeToString(raw),
        ConfigKeys.JWT_SECRET, JWT), Optional.empty());
    assertThat(hex.masterKey()).isEqualTo(b64.masterKey());
    assertThat(hex.masterKey().toString()).doesNotContain("00112233");
  }

  @Test
  @DisplayName("a JWT secret under 32 bytes is refused")
  void shortJwtSecret() {
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.JWT_SECRET, "too-short"), Optional.empty()),
        ConfigKeys.JWT_SECRET, "at least 32 bytes");
  }

  @Test
  @DisplayName("a port out of range or not a number is refused")
  void badPort() {
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "70000"), Optional.empty()),
        ConfigKeys.HTTP_PORT, "from 0 to 65535");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "-1"), Optional.empty()),
        ConfigKeys.HTTP_PORT, "from 0 to 65535");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "eighty"), Optional.empty()),
        ConfigKeys.HTTP_PORT, "whole number");
  }

  @Test
  @DisplayName("an unreadable or malformed config file is refused")
  void badFile() throws Exception {
    assertConfigError(() -> ConfigLoader.load(env(), Optional.of(dir.resolve("missing.conf"))),
        "--config", "cannot read");
    Path unknown = dir.resolve("unknown.conf");
    Files.writeString(unknown, "KEYWAY_HTTP_PROT=1\n");
    assertConfigError(() -> ConfigLoader.load(env(), Optional.of(unknown)), "--config", "unknown key KEYWAY_HTTP_PROT");
    Path garbage = dir.resolve("garbage.conf");
    Files.writeString(garbage, "just words\n");
    assertConfigError(() -> ConfigLoader.load(env(), Optional.of(garbage)), "--config", "line 1");
    if (!"root".equals(System.getProperty("user.name"))) { // root reads anything
      Path locked = dir.resolve("locked.conf");
      Files.writeString(locked, "KEYWAY_HTTP_PORT=1\n");
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
      assertConfigError(() -> ConfigLoader.load(env(), Optional.of(locked)), "--config", "cannot read");
    }
  }

  @Test
  @DisplayName("an unparsable database URL is refused without echoing its password")
  void badDbUrl() {
    for (String url : new String[] {"not a url", "mysql://u:p@h/db", "postgresql://u:hunter2@/db",
        "postgresql://u:hunter2@host", "postgresql://host/db", "postgresql://u:hunter2@host:99999/db"}) {
      assertThatThrownBy(() -> ConfigLoader.load(env(ConfigKeys.DB_URL, url), Optional.empty()))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(ConfigKeys.DB_URL)
          .hasMessageNotContaining("hunter2");
    }
    DbUrl ok = DbUrl.parse(ConfigKeys.DB_URL, "postgresql://app%40x:p%3Ass@db.example:6543/keyway");
    assertThat(ok.user()).isEqualTo("app@x");
    assertThat(ok.password()).isEqualTo("p:ss");
    assertThat(ok.port()).isEqualTo(6543);
    assertThat(ok.toString()).doesNotContain("p:ss");
    assertThat(DbUrl.parse(ConfigKeys.DB_URL, ok.unmasked())).isEqualTo(ok);
    DbUrl odd = new DbUrl("h", 5432, "db", "u s+r", "p@ss word/+:%");
    assertThat(DbUrl.parse(ConfigKeys.DB_URL, odd.unmasked())).isEqualTo(odd);
  }

  @Test
  @DisplayName("production refuses to start without explicit keys and database")
  void productionNeedsExplicitSecrets() {
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.PROFILE, "production"), Optional.empty()),
        ConfigKeys.MASTER_KEY, "required");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.PROFILE, "production", ConfigKeys.MASTER_KEY, HEX_KEY),
        Optional.empty()), ConfigKeys.JWT_SECRET, "required");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.PROFILE, "production", ConfigKeys.MASTER_KEY, HEX_KEY,
        ConfigKeys.JWT_SECRET, JWT), Optional.empty()), ConfigKeys.DB_URL, "required");
    assertThat(Files.exists(dir.resolve("data/master.key"))).isFalse();
    KeywayConfig c = ConfigLoader.load(env(ConfigKeys.PROFILE, "production", ConfigKeys.MASTER_KEY, HEX_KEY,
        ConfigKeys.JWT_SECRET, JWT, ConfigKeys.DB_URL, "postgresql://u:p@localhost:5432/keyway"), Optional.empty());
    assertThat(c.profile()).isEqualTo(Profile.PRODUCTION);
  }

  @Test
  @DisplayName("an unknown profile is refused")
  void badProfile() {
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.PROFILE, "staging"), Optional.empty()),
        ConfigKeys.PROFILE, "dev or production");
  }

  @Test
  @DisplayName("--print-config masks every secret and shows where each value came from")
  void describeMasksSecrets() {
    var layers = ConfigLoader.layers(env(ConfigKeys.MASTER_KEY, HEX_KEY, ConfigKeys.JWT_SECRET, JWT,
        ConfigKeys.DB_URL, "postgresql://u:hunter2@localhost:5432/keyway"), Optional.empty());
    String shown = ConfigLoader.describe(layers);
    assertThat(shown).doesNotContain(HEX_KEY).doesNotContain(JWT).doesNotContain("hunter2");
    assertThat(shown).contains("KEYWAY_HTTP_PORT=8080  [default]").contains("KEYWAY_MASTER_KEY=******")
        .contains("postgresql://u:***@localhost:5432/keyway");
  }

  @Test
  @DisplayName("cluster settings: defaults, a stable node id, and one clear line for each mistake")
  void cluster() throws Exception {
    KeywayConfig c = ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "8181"), Optional.empty());
    assertThat(c.cluster().enabled()).isFalse();
    assertThat(c.withCluster(true).cluster().enabled()).isTrue();
    assertThat(c.cluster().host()).isEqualTo("127.0.0.1");
    assertThat(c.cluster().port()).isEqualTo(5701);
    assertThat(c.cluster().nodeId()).endsWith(":8181");
    assertThat(ConfigLoader.load(env(ConfigKeys.HTTP_PORT, "8181"), Optional.empty()).cluster().nodeId())
        .as("the same node id after a restart").isEqualTo(c.cluster().nodeId());
    KeywayConfig members = ConfigLoader.load(env(ConfigKeys.CLUSTER_MEMBERS, "127.0.0.1:5701, 127.0.0.1:5702",
        ConfigKeys.NODE_ID, "node-a", ConfigKeys.LEASE_TTL, "5"), Optional.empty());
    assertThat(members.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    assertThat(members.cluster().nodeId()).isEqualTo("node-a");
    assertThat(members.cluster().leaseTtl()).hasSeconds(5);

    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.CLUSTER_MEMBERS, "host-without-port"), Optional.empty()),
        ConfigKeys.CLUSTER_MEMBERS, "host:port");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.NODE_ID, "a node"), Optional.empty()),
        ConfigKeys.NODE_ID, "letters");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.LEASE_TTL, "1"), Optional.empty()),
        ConfigKeys.LEASE_TTL, "2 to 60");
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.CLUSTER_TLS_KEYSTORE, dir.resolve("none.p12").toString()),
        Optional.empty()), ConfigKeys.CLUSTER_TLS_KEYSTORE, "readable");
    Path store = Files.write(dir.resolve("bus.p12"), new byte[] {1});
    assertConfigError(() -> ConfigLoader.load(env(ConfigKeys.CLUSTER_TLS_KEYSTORE, store.toString()), Optional.empty()),
        ConfigKeys.CLUSTER_TLS_PASSWORD, "required");
    String shown = ConfigLoader.describe(ConfigLoader.layers(env(ConfigKeys.CLUSTER_TLS_KEYSTORE, store.toString(),
        ConfigKeys.CLUSTER_TLS_PASSWORD, "bus-secret-password"), Optional.empty()));
    assertThat(shown).doesNotContain("bus-secret-password").contains(ConfigKeys.CLUSTER_TLS_PASSWORD + "=******");
  }
}

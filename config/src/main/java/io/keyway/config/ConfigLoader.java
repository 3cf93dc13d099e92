package io.keyway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link KeywayConfig}: defaults &lt; the optional file &lt; the environment. The file
 * holds {@code KEYWAY_*=value} lines (blank lines and {@code #} comments allowed), the same names
 * as the environment, so one list of keys serves both.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Where each effective value came from, for {@code --print-config}. */
  public enum Source { DEFAULT, FILE, ENVIRONMENT, GENERATED }

  /** The effective raw values and their sources, before typing. */
  public record Layers(Map<String, String> values, Map<String, Source> sources) {}

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry(ConfigKeys.PROFILE, "dev"),
      Map.entry(ConfigKeys.HTTP_HOST, "127.0.0.1"),
      Map.entry(ConfigKeys.HTTP_PORT, "8080"),
      Map.entry(ConfigKeys.DATA_DIR, "./data"),
      Map.entry(ConfigKeys.DB_POOL_SIZE, "8"),
      Map.entry(ConfigKeys.JWT_ISSUER, "keyway"),
      Map.entry(ConfigKeys.JWT_AUDIENCE, "keyway-api"),
      Map.entry(ConfigKeys.ACCESS_TOKEN_TTL, "900"),
      Map.entry(ConfigKeys.REFRESH_TOKEN_TTL, "2592000"),
      Map.entry(ConfigKeys.INSTANCES, "1"),
      Map.entry(ConfigKeys.CLUSTER_HOST, "127.0.0.1"),
      Map.entry(ConfigKeys.CLUSTER_PORT, "5701"),
      Map.entry(ConfigKeys.CLUSTER_BUS_PORT, "0"),
      Map.entry(ConfigKeys.LEASE_TTL, "8"),
      Map.entry(ConfigKeys.LOGIN_MAX_FAILURES, "5"),
      Map.entry(ConfigKeys.LOGIN_MAX_FAILURES_PER_ADDRESS, "30"),
      Map.entry(ConfigKeys.LOGIN_WINDOW, "900"),
      Map.entry(ConfigKeys.PASSWORD_HASH_QUEUE, "64"),
      Map.entry(ConfigKeys.LEDGER_CHECKPOINT_INTERVAL, "60"),
      Map.entry(ConfigKeys.ENGINE_TICK_MILLIS, "1000"),
      Map.entry(ConfigKeys.APPROVAL_TTL, "900"),
      Map.entry(ConfigKeys.VENUE_REQUESTS_PER_MINUTE, "200"),
      Map.entry(ConfigKeys.MCP_REQUESTS_PER_MINUTE, "120"),
      Map.entry(ConfigKeys.ALPACA_PAPER_URL, "https://paper-api.alpaca.markets"),
      Map.entry(ConfigKeys.ALPACA_LIVE_URL, "https://api.alpaca.markets"),
      Map.entry(ConfigKeys.ALPACA_DATA_URL, "https://data.alpaca.markets"));

  private ConfigLoader() {}

  /** Loads from the process environment and the optional file. */
  public static KeywayConfig load(Optional<Path> file) {
    return load(System.getenv(), file);
  }

  /** Loads from the given environment and the optional file; throws {@link ConfigException}. */
  public static KeywayConfig load(Map<String, String> env, Optional<Path> file) {
    return build(layers(env, file));
  }

  /** Merges defaults, the file and the environment, without typing or generating anything. */
  public static Layers layers(Map<String, String> env, Optional<Path> file) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Source> sources = new LinkedHashMap<>();
    DEFAULTS.forEach((k, v) -> put(values, sources, k, v, Source.DEFAULT));
    file.ifPresent(f -> readFile(f).forEach((k, v) -> put(values, sources, k, v, Source.FILE)));
    for (String key : ConfigKeys.ALL) {
      String v = env.get(key);
      if (v != null && !v.isBlank()) {
        put(values, sources, key, v.trim(), Source.ENVIRONMENT);
      }
    }
    return new Layers(values, sources);
  }

  /** Types and validates the merged values, generating dev secrets where the profile allows. */
  public static KeywayConfig build(Layers layers) {
    Map<String, String> v = layers.values();
    Profile profile = profile(v.get(ConfigKeys.PROFILE));
    Path dataDir = Path.of(v.get(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
    Optional<DbUrl> db = Optional.ofNullable(v.get(ConfigKeys.DB_URL)).map(u -> DbUrl.parse(ConfigKeys.DB_URL, u));

    if (profile == Profile.PRODUCTION) {
      for (String required : List.of(ConfigKeys.MASTER_KEY, ConfigKeys.JWT_SECRET, ConfigKeys.DB_URL)) {
        if (v.get(required) == null) {
          throw new ConfigException(required, "is required when KEYWAY_PROFILE=production");
        }
      }
    }
    DataDirSecrets generated = new DataDirSecrets(dataDir);
    SecretBytes masterKey = v.get(ConfigKeys.MASTER_KEY) != null
        ? MasterKeyFormat.parse(ConfigKeys.MASTER_KEY, v.get(ConfigKeys.MASTER_KEY))
        : MasterKeyFormat.parse(ConfigKeys.MASTER_KEY, generated.masterKey());
    String jwtRaw = v.get(ConfigKeys.JWT_SECRET) != null ? v.get(ConfigKeys.JWT_SECRET) : generated.jwtSecret();
    byte[] jwtBytes = jwtRaw.getBytes(StandardCharsets.UTF_8);
    if (jwtBytes.length < 32) {
      throw new ConfigException(ConfigKeys.JWT_SECRET, "must be at least 32 bytes (got " + jwtBytes.length + ")");
    }
    SecretBytes jwtSecret = new SecretBytes(jwtBytes);
    Arrays.fill(jwtBytes, (byte) 0);

    int port = intIn(v, ConfigKeys.HTTP_PORT, 0, 65535);
    String host = v.get(ConfigKeys.HTTP_HOST);
    if (host == null || host.isBlank()) {
      throw new ConfigException(ConfigKeys.HTTP_HOST, "must not be empty");
    }
    return new KeywayConfig(
        profile,
        host,
        port,
        dataDir,
        db,
        intIn(v, ConfigKeys.DB_POOL_SIZE, 1, 256),
        masterKey,
        jwtSecret,
        nonEmpty(v, ConfigKeys.JWT_ISSUER),
        nonEmpty(v, ConfigKeys.JWT_AUDIENCE),
        Duration.ofSeconds(intIn(v, ConfigKeys.ACCESS_TOKEN_TTL, 30, 900)),
        Duration.ofSeconds(intIn(v, ConfigKeys.REFRESH_TOKEN_TTL, 300, 7_776_000)),
        list(v.get(ConfigKeys.ALLOWED_ORIGINS)),
        cluster(v, port),
        intIn(v, ConfigKeys.INSTANCES, 1, 64),
        intIn(v, ConfigKeys.LOGIN_MAX_FAILURES, 1, 1000),
        intIn(v, ConfigKeys.LOGIN_MAX_FAILURES_PER_ADDRESS, 1, 100_000),
        Duration.ofSeconds(intIn(v, ConfigKeys.LOGIN_WINDOW, 1, 86_400)),
        intIn(v, ConfigKeys.PASSWORD_HASH_QUEUE, 1, 10_000),
        Duration.ofSeconds(intIn(v, ConfigKeys.LEDGER_CHECKPOINT_INTERVAL, 1, 86_400)),
        Duration.ofMillis(intIn(v, ConfigKeys.ENGINE_TICK_MILLIS, 50, 60_000)),
        Duration.ofSeconds(intIn(v, ConfigKeys.APPROVAL_TTL, 10, 604_800)),
        intIn(v, ConfigKeys.VENUE_REQUESTS_PER_MINUTE, 1, 100_000),
        intIn(v, ConfigKeys.MCP_REQUESTS_PER_MINUTE, 1, 100_000),
        url(v, ConfigKeys.ALPACA_PAPER_URL), url(v, ConfigKeys.ALPACA_LIVE_URL), url(v, ConfigKeys.ALPACA_DATA_URL));
  }

  /** The effective values for display: secrets masked, each with its source. */
  public static String describe(Layers layers) {
    StringBuilder out = new StringBuilder();
    for (String key : ConfigKeys.ALL) {
      String value = layers.values().get(key);
      Source source = layers.sources().get(key);
      String shown;
      if (value == null) {
        shown = key.equals(ConfigKeys.MASTER_KEY) || key.equals(ConfigKeys.JWT_SECRET)
            ? "(unset: generated into the data dir in dev)"
            : key.equals(ConfigKeys.DB_URL) ? "(unset: embedded PostgreSQL)" : "(unset)";
      } else if (key.equals(ConfigKeys.DB_URL)) {
        shown = DbUrl.parse(key, value).toString() + "  [" + source.name().toLowerCase(Locale.ROOT) + "]";
      } else if (ConfigKeys.SECRET.contains(key)) {
        shown = "****** (" + value.length() + " characters)  [" + source.name().toLowerCase(Locale.ROOT) + "]";
      } else {
        shown = value + "  [" + source.name().toLowerCase(Locale.ROOT) + "]";
      }
      out.append(key).append('=').append(shown).append('\n');
    }
    return out.toString();
  }

  private static void put(Map<String, String> values, Map<String, Source> sources, String k, String v, Source s) {
    values.put(k, v);
    sources.put(k, s);
  }

  private static Map<String, String> readFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      throw new ConfigException("--config", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    int n = 0;
    for (String line : lines) {
      n++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--config", file + " line " + n + ": expected KEY=value");
      }
      String key = t.substring(0, eq).strip();
      if (!ConfigKeys.ALL.contains(key)) {
        throw new ConfigException("--config", file + " line " + n + ": unknown key " + key);
      }
      String value = t.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (!value.isEmpty()) {
        out.put(key, value);
      }
    }
    return out;
  }

  private static Profile profile(String raw) {
    try {
      return Profile.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.PROFILE, "must be dev or production (got '" + raw + "')");
    }
  }

  private static int intIn(Map<String, String> v, String key, int min, int max) {
    String raw = v.get(key);
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new ConfigException(key, "must be a whole number from " + min + " to " + max + " (got '" + raw + "')");
    }
    if (value < min || value > max) {
      throw new ConfigException(key, "must be from " + min + " to " + max + " (got " + value + ")");
    }
    return (int) value;
  }

  private static String url(Map<String, String> v, String key) {
    String s = nonEmpty(v, key);
    try {
      var u = new java.net.URI(s);
      if ((u.getScheme().equals("https") || u.getScheme().equals("http")) && u.getHost() != null) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
      }
    } catch (java.net.URISyntaxException | NullPointerException e) {
      // answered below
    }
    throw new ConfigException(key, "must be an http(s) URL");
  }

  private static ClusterSettings cluster(Map<String, String> v, int httpPort) {
    Optional<Path> keystore = Optional.ofNullable(v.get(ConfigKeys.CLUSTER_TLS_KEYSTORE)).map(Path::of);
    Optional<SecretBytes> password = Optional.ofNullable(v.get(ConfigKeys.CLUSTER_TLS_PASSWORD))
        .map(p -> new SecretBytes(p.getBytes(StandardCharsets.UTF_8)));
    if (keystore.isPresent() && !java.nio.file.Files.isReadable(keystore.get())) {
      throw new ConfigException(ConfigKeys.CLUSTER_TLS_KEYSTORE, "is not a readable file");
    }
    if (keystore.isPresent() && password.isEmpty()) {
      throw new ConfigException(ConfigKeys.CLUSTER_TLS_PASSWORD, "is required with " + ConfigKeys.CLUSTER_TLS_KEYSTORE);
    }
    List<String> members = list(v.get(ConfigKeys.CLUSTER_MEMBERS));
    for (String m : members) {
      int colon = m.lastIndexOf(':');
      if (colon <= 0 || !m.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new ConfigException(ConfigKeys.CLUSTER_MEMBERS, "must be host:port,… (got '" + m + "')");
      }
    }
    String nodeId = v.get(ConfigKeys.NODE_ID);
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = hostName() + ":" + (httpPort == 0 ? "0-" + java.util.UUID.randomUUID().toString().substring(0, 8) : httpPort);
    } else if (!nodeId.trim().matches("[A-Za-z0-9._:-]{1,100}")) {
      throw new ConfigException(ConfigKeys.NODE_ID, "must be 1–100 of letters, digits and . _ : -");
    }
    return new ClusterSettings(false, members, nonEmpty(v, ConfigKeys.CLUSTER_HOST),
        intIn(v, ConfigKeys.CLUSTER_PORT, 1, 65535), intIn(v, ConfigKeys.CLUSTER_BUS_PORT, 0, 65535),
        keystore, password, nodeId.trim(), Duration.ofSeconds(intIn(v, ConfigKeys.LEASE_TTL, 2, 60)));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static String nonEmpty(Map<String, String> v, String key) {
    String s = v.get(key);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key, "must not be empty");
    }
    return s.trim();
  }

  private static List<String> list(String raw) {
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    return Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  static Logger log() {
    return LOG;
  }
}

package io.keyway.bench;

import io.keyway.config.ConfigKeys;
import io.keyway.config.ConfigLoader;
import io.keyway.config.DbUrl;
import io.keyway.config.KeywayConfig;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.gateway.Node;
import io.keyway.gateway.identity.NewUser;
import io.keyway.gateway.identity.Role;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Keyway node on a throw-away embedded PostgreSQL, started in this process: the node is
 * configured the way an operator would (explicit secrets, an external database URL) and the
 * benchmark user is created as {@code keyway create-user --no-reset} would create it.
 */
final class GatewayUnderTest implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  private static final String DATABASE = "keyway_bench";
  private static final Duration START_LIMIT = Duration.ofMinutes(2);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

  private final EmbeddedPostgresServer postgres;
  private final Path dataDir;
  private final Node node;
  private final Map<String, String> environment;
  private final List<Node> peers = new ArrayList<>();

  private GatewayUnderTest(EmbeddedPostgresServer postgres, Path dataDir, Node node, Map<String, String> environment) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.node = node;
    this.environment = environment;
  }

  /** Starts PostgreSQL, then the node, then creates {@code user}; undoes what started on failure. */
  static GatewayUnderTest start(int instances, BenchUser user) throws Exception {
    return start(instances, user, Map.of());
  }

  /**
   * As {@link #start(int, BenchUser)}, with extra settings; cluster settings ({@link ConfigKeys#CLUSTER_PORT}...)
   * make it the first node of a cluster that {@link #startPeer} joins.
   */
  static GatewayUnderTest start(int instances, BenchUser user, Map<String, String> extra) throws Exception {
    Path dataDir = Files.createTempDirectory("keyway-bench-data-");
    EmbeddedPostgresServer postgres = null;
    Node node = null;
    try {
      postgres = EmbeddedPostgresServer.startEphemeral();
      DbUrl admin = postgres.superuserUrl(DATABASE);
      DatabaseBootstrap.ensureDatabase(admin);
      Map<String, String> env = new HashMap<>(environment(admin, dataDir, instances));
      env.putAll(extra);
      node = Await.result(Node.start(config(env)), START_LIMIT);
      Await.result(createUser(node, user), START_LIMIT);
      return new GatewayUnderTest(postgres, dataDir, node, env);
    } catch (Exception e) {
      if (node != null) {
        Await.result(node.stop(), STOP_LIMIT);
      }
      if (postgres != null) {
        postgres.close();
      }
      deleteRecursively(dataDir);
      throw e;
    }
  }

  int httpPort() {
    return node.httpPort();
  }

  /** The running node, for benchmarks that set up more than the one user. */
  Node node() {
    return node;
  }

  /**
   * Starts another node of the same cluster on the same database and secrets, with its own data dir
   * (under this one's) and cluster settings; it stops with this one.
   */
  Node startPeer(Map<String, String> cluster) throws Exception {
    Map<String, String> env = new HashMap<>(environment);
    env.putAll(cluster);
    env.put(ConfigKeys.DATA_DIR, Files.createDirectories(dataDir.resolve("peer-" + peers.size())).toString());
    Node peer = Await.result(Node.start(config(env)), START_LIMIT);
    peers.add(peer);
    return peer;
  }

  private static KeywayConfig config(Map<String, String> env) {
    KeywayConfig config = ConfigLoader.load(env, Optional.empty());
    return env.containsKey(ConfigKeys.CLUSTER_PORT) ? config.withCluster(true) : config;
  }

  private static Map<String, String> environment(DbUrl admin, Path dataDir, int instances) {
    Map<String, String> env = new java.util.HashMap<>(nodeEnvironment(admin, dataDir));
    env.put(ConfigKeys.INSTANCES, Integer.toString(instances));
    env.put(ConfigKeys.ACCESS_TOKEN_TTL, Long.toString(BenchSettings.ACCESS_TOKEN_TTL.toSeconds()));
    return env;
  }

  /** A benchmark node's settings: this database and data dir, loopback, any port, fresh secrets. */
  static Map<String, String> nodeEnvironment(DbUrl admin, Path dataDir) {
    SecureRandom random = new SecureRandom();
    byte[] masterKey = new byte[32];
    byte[] jwtSecret = new byte[48];
    random.nextBytes(masterKey);
    random.nextBytes(jwtSecret);
    return Map.of(
        ConfigKeys.DB_URL, admin.unmasked(),
        ConfigKeys.DATA_DIR, dataDir.toString(),
        ConfigKeys.HTTP_HOST, HOST,
        ConfigKeys.HTTP_PORT, "0",
        ConfigKeys.MASTER_KEY, HexFormat.of().formatHex(masterKey),
        ConfigKeys.JWT_SECRET, HexFormat.of().formatHex(jwtSecret));
  }


  /**
   * As {@code keyway create-user EMAIL --password P --no-reset --role viewer --tenant T}, through
   * the node's own {@link io.keyway.gateway.identity.UserAdmin}.
   */
  private static Future<Void> createUser(Node node, BenchUser user) {
    NewUser newUser = new NewUser(user.email(), "Benchmark", Role.VIEWER, Optional.of(user.password()), false);
    return node.services().users().createInTenantNamed(user.tenant(), newUser).mapEmpty();
  }

  /** Stops the node, then PostgreSQL, then removes the data dir. */
  @Override
  public void close() throws IOException {
    try {
      for (Node peer : peers) {
        Await.stopped(peer.stop(), STOP_LIMIT, "a peer node");
      }
      Await.stopped(node.stop(), STOP_LIMIT, "the node");
    } finally {
      try {
        postgres.close();
      } finally {
        deleteRecursively(dataDir);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package io.keyway.gateway;

import io.keyway.config.ConfigKeys;
import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.config.MasterKeyFormat;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.identity.CreatedUser;
import io.keyway.gateway.identity.NewUser;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Keyway node for a test class: its own PostgreSQL database (cloned from the migrated
 * template), the real event bus, HTTP on a free port.
 */
public final class TestGateway implements AutoCloseable {
  public static final String JWT_SECRET = "test-jwt-secret-0123456789abcdefghijklmnop";

  private final Node node;
  private final Api api;
  private final TestPostgres.TestDatabase database;

  private TestGateway(Node node, TestPostgres.TestDatabase database) {
    this.node = node;
    this.database = database;
    this.api = new Api("http://127.0.0.1:" + node.httpPort());
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  /** Starts a node on a fresh database; {@code overrides} are KEYWAY_* settings. */
  public static TestGateway start(Map<String, String> overrides) {
    return start(TestPostgres.freshDatabase(), overrides);
  }

  /** Starts a node on an existing test database (a restart). */
  public static TestGateway start(TestPostgres.TestDatabase db, Map<String, String> overrides) {
    return start(db, overrides, false);
  }

  /** Starts a clustered node ({@code serve --cluster}) on a shared test database. */
  public static TestGateway startClustered(TestPostgres.TestDatabase db, Map<String, String> overrides) {
    return start(db, overrides, true);
  }

  private static TestGateway start(TestPostgres.TestDatabase db, Map<String, String> overrides, boolean cluster) {
    try {
      Map<String, String> env = new HashMap<>();
      env.put(ConfigKeys.DB_URL, db.admin().unmasked());
      env.put(ConfigKeys.MASTER_KEY, MasterKeyFormat.hex(TestPostgres.MASTER_KEY.copy()));
      env.put(ConfigKeys.JWT_SECRET, JWT_SECRET);
      env.put(ConfigKeys.HTTP_PORT, "0");
      env.put(ConfigKeys.DATA_DIR, Files.createTempDirectory("keyway-test").toString());
      env.putAll(overrides);
      KeywayConfig config = ConfigLoader.load(env, Optional.empty()).withCluster(cluster);
      Node node = Node.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return new TestGateway(node, db);
    } catch (Exception e) {
      throw new IllegalStateException("test gateway did not start", e);
    }
  }

  public Api api() {
    return api;
  }

  public Node node() {
    return node;
  }

  public TestPostgres.TestDatabase database() {
    return database;
  }

  /** Creates a user directly (as the CLI does) and returns it. */
  public CreatedUser createUser(String tenant, String email, Role role, String password, boolean mustReset) {
    try {
      return node.services().users()
          .createInTenantNamed(tenant, new NewUser(email, email.substring(0, email.indexOf('@')), role,
              Optional.of(password), mustReset))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a ready user and signs them in; the answer holds the tokens. */
  public Session signedIn(String tenant, String email, Role role) {
    String password = "password-for-" + email;
    CreatedUser user = createUser(tenant, email, role, password, false);
    Api.Response r = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
    if (r.status() != 200) {
      throw new IllegalStateException("login failed: " + r);
    }
    return new Session(user.user().id().toString(), user.user().tenantId().toString(), email, password,
        r.json().getString("accessToken"), r.json().getString("refreshToken"));
  }

  /** A signed-in user of a test. */
  public record Session(String userId, String tenantId, String email, String password, String accessToken,
      String refreshToken) {}

  /** Waits up to {@code millis} for {@code condition}, polling; for effects that travel the event bus. */
  public static void eventually(long millis, java.util.function.BooleanSupplier condition) {
    io.keyway.config.Eventually.holds(millis, "condition", condition);
  }

  /** Stops the node (the database stays: it belongs to the shared test server). */
  @Override
  public void close() {
    try {
      node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // a stop that hangs (seen once, session 10, not reproduced): leave every thread's stack in the test's output
      System.err.println(threadDump("the node did not stop within 30 s"));
      throw new IllegalStateException("the node did not stop within 30 s; thread dump on stderr", e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every live thread's name, state and stack, for a test that waited too long. */
  static String threadDump(String why) {
    StringBuilder out = new StringBuilder("=== thread dump: ").append(why).append(" ===\n");
    for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean()
        .dumpAllThreads(true, true)) {
      out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      if (t.getLockName() != null) {
        out.append(" on ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        out.append(" held by \"").append(t.getLockOwnerName()).append('"');
      }
      out.append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("    at ").append(frame).append('\n');
      }
    }
    return out.append("=== end of thread dump ===").toString();
  }
}

package io.keyway.bench;

import io.keyway.config.DbUrl;
import io.keyway.config.SecretBytes;
import io.keyway.config.db.AppPool;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.config.db.TenantScope;
import io.keyway.gateway.NodeVertx;
import io.keyway.vault.CredentialIdentity;
import io.keyway.vault.CredentialStore;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.MasterKey;
import io.keyway.vault.SealedCredential;
import io.keyway.vault.VaultAddresses;
import io.keyway.vault.VaultClient;
import io.keyway.vault.VaultVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One throw-away PostgreSQL with a database created and migrated as a node does it, the runtime
 * pool, and the vault deployed as a node deploys it (one {@link VaultVerticle} on every event loop,
 * Vert.x options from {@link NodeVertx}), or as a single instance: the vault as a node runs it, minus HTTP. Also keeps one owner connection for set-up and observation between
 * phases (never during one).
 */
final class VaultUnderTest implements AutoCloseable {
  private static final String DATABASE = "keyway_bench";
  private static final Duration START_LIMIT = Duration.ofMinutes(2);
  private static final Duration LINK_LIMIT = Duration.ofMinutes(2);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  /** Links in flight at once while the credentials are linked. */
  private static final int LINK_BATCH = 256;

  /** Every stored credential as the owner reads it (a superuser, so row level security does not apply). */
  private static final String ALL_SEALED = "SELECT id, tenant_id, user_id, provider, label, wrapped_key, key_id_ct, "
      + "secret_ct FROM vault.credentials ORDER BY tenant_id, user_id, label";
  private static final String SERVER_SETTINGS =
      "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, "
          + "current_setting('synchronous_commit') AS synchronous_commit, "
          + "current_setting('shared_buffers') AS shared_buffers";
  /**
   * Credentials whose last use was recorded in a window: the store records it at most once a minute
   * per credential, in a transaction of its own, so with windows shorter than a minute this counts
   * those transactions.
   */
  private static final String TOUCHED_BETWEEN =
      "SELECT count(*) FROM vault.credentials WHERE last_used_at >= ? AND last_used_at < ?";

  private final EmbeddedPostgresServer postgres;
  private final Connection owner;
  private final Vertx vertx;
  private final EnvelopeCipher cipher;
  private final CredentialStore store;

  private VaultUnderTest(EmbeddedPostgresServer postgres, Connection owner, Vertx vertx, EnvelopeCipher cipher,
      CredentialStore store) {
    this.postgres = postgres;
    this.owner = owner;
    this.vertx = vertx;
    this.cipher = cipher;
    this.store = store;
  }

  /** Starts PostgreSQL, migrates, deploys the vault; undoes what started on failure. */
  static VaultUnderTest start(VaultBenchSettings settings) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    SecretBytes masterKey = new SecretBytes(key);
    EmbeddedPostgresServer postgres = null;
    Connection owner = null;
    Vertx vertx = null;
    try {
      postgres = EmbeddedPostgresServer.startEphemeral();
      DbUrl admin = postgres.superuserUrl(DATABASE);
      DatabaseBootstrap.ensureDatabase(admin);
      DatabaseBootstrap.migrate(admin, masterKey);
      owner = DatabaseBootstrap.connect(admin);
      vertx = Vertx.vertx(NodeVertx.options().setPreferNativeTransport(settings.nativeTransport()));
      DbUrl app = DatabaseBootstrap.appUrl(admin, masterKey);
      Pool pool = AppPool.create(vertx, app, settings.poolSize());
      EnvelopeCipher cipher = new EnvelopeCipher(new MasterKey(masterKey));
      CredentialStore store = new CredentialStore(new TenantScope(pool), cipher);
      DbUrl reads = settings.pooledReads() ? null : app;
      if (settings.vaultPerLoop()) {
        Await.result(VaultVerticle.deployOnEveryEventLoop(vertx, store, reads, settings.flushesInFlight()), START_LIMIT);
      } else {
        Await.result(vertx.deployVerticle(new VaultVerticle(store, reads, settings.flushesInFlight())), START_LIMIT);
      }
      return new VaultUnderTest(postgres, owner, vertx, cipher, store);
    } catch (Exception e) {
      if (vertx != null) {
        Await.stopped(vertx.close(), STOP_LIMIT, "Vert.x");
      }
      if (owner != null) {
        owner.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      throw e;
    }
  }

  Vertx vertx() {
    return vertx;
  }

  int postgresPort() {
    return postgres.port();
  }

  VaultClient client() {
    return new VaultClient(vertx);
  }

  /** The cipher the vault opens credentials with (the bare decrypt phases use the same one). */
  EnvelopeCipher cipher() {
    return cipher;
  }

  /** Links every credential of {@code plan} through {@link CredentialStore#link}, a batch at a time. */
  void link(List<VaultCredential> plan) throws Exception {
    for (int from = 0; from < plan.size(); from += LINK_BATCH) {
      List<Future<CredentialStore.Linked>> batch = new ArrayList<>(LINK_BATCH);
      for (VaultCredential c : plan.subList(from, Math.min(plan.size(), from + LINK_BATCH))) {
        batch.add(store.link(c.tenantId(), c.userId(), VaultCredential.PROVIDER, c.label(), c.keyId(), c.secret()));
      }
      Await.result(Future.all(batch), LINK_LIMIT);
    }
  }

  /**
   * The name of the event loop thread the vault answers on, seen by an inbound interceptor (which
   * runs on the receiving context) while it is asked, from {@code from} (null: from this thread, not
   * an event loop), for a credential nobody has.
   */
  String vaultEventLoop(Context from) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    Handler<DeliveryContext<Object>> spy = delivery -> {
      if (delivery.message().address().startsWith(VaultAddresses.RESOLVE)) { // the shared address or a loop's
        seen.compareAndSet(null, Thread.currentThread().getName());
      }
      delivery.next();
    };
    vertx.eventBus().addInboundInterceptor(spy);
    try {
      Promise<Void> asked = Promise.promise();
      Handler<Void> ask = v -> client().resolve(UUID.randomUUID(), UUID.randomUUID(), VaultCredential.PROVIDER, "nobody")
          .otherwiseEmpty().<Void>mapEmpty().onComplete(asked);
      if (from == null) {
        ask.handle(null);
      } else {
        from.runOnContext(ask);
      }
      Await.result(asked.future(), START_LIMIT);
    } finally {
      vertx.eventBus().removeInboundInterceptor(spy);
    }
    if (seen.get() == null) {
      throw new IllegalStateException("the vault's resolve address saw no message");
    }
    return seen.get();
  }

  /** Every stored credential, read as stored, for the bare decrypt phases (blocking). */
  List<VaultDecryptLoad.Stored> readSealed() throws SQLException {
    List<VaultDecryptLoad.Stored> stored = new ArrayList<>();
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(ALL_SEALED)) {
      while (rs.next()) {
        CredentialIdentity who = new CredentialIdentity(rs.getObject("tenant_id", UUID.class),
            rs.getObject("user_id", UUID.class), rs.getString("provider"), rs.getString("label"));
        SealedCredential sealed = new SealedCredential(rs.getBytes("wrapped_key"), rs.getBytes("key_id_ct"),
            rs.getBytes("secret_ct"));
        stored.add(new VaultDecryptLoad.Stored(rs.getObject("id", UUID.class), who, sealed));
      }
    }
    return stored;
  }

  /** See {@link #TOUCHED_BETWEEN} (blocking; PostgreSQL runs on this machine's clock). */
  long touchedBetween(Instant from, Instant to) throws SQLException {
    try (PreparedStatement s = owner.prepareStatement(TOUCHED_BETWEEN)) {
      s.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
      s.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** One line: the PostgreSQL version and the settings that matter here. */
  String describeServer() throws SQLException {
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(SERVER_SETTINGS)) {
      rs.next();
      return "PostgreSQL " + rs.getString("version") + ", fsync=" + rs.getString("fsync") + ", synchronous_commit="
          + rs.getString("synchronous_commit") + ", shared_buffers=" + rs.getString("shared_buffers");
    }
  }

  /** Stops Vert.x, then PostgreSQL. */
  @Override
  public void close() throws IOException {
    try {
      Await.stopped(vertx.close(), STOP_LIMIT, "Vert.x");
    } finally {
      try {
        owner.close();
      } catch (SQLException e) {
        throw new IOException("could not close the owner connection", e);
      } finally {
        postgres.close();
      }
    }
  }
}

package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.AppPool;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vault verticle reading through its own pipelined client, over the real event bus. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VaultVerticleTest {
  private static final UUID TENANT_A = UUID.randomUUID();
  private static final UUID TENANT_B = UUID.randomUUID();
  private static final UUID ALICE = UUID.randomUUID();
  private static final UUID BOB = UUID.randomUUID();
  private static Vertx vertx;
  private static TestPostgres.TestDatabase db;
  private static CredentialStore store;
  private static VaultClient vault;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestPostgres.freshDatabase();
    store = new CredentialStore(new TenantScope(db.appPool(vertx)), new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
    await(vertx.deployVerticle(new VaultVerticle(store, db.app())));
    vault = new VaultClient(vertx);
    for (int i = 0; i < 10; i++) {
      await(store.link(TENANT_A, ALICE, "alpaca", "l" + i, "PKALICE00000000" + i, "alice-secret-" + i));
      await(store.link(TENANT_B, BOB, "alpaca", "l" + i, "PKBOB0000000000" + i, "bob-secret-" + i));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ErrorCode failureCode(Future<?> f) throws Exception {
    Throwable e = f.toCompletionStage().toCompletableFuture().handle((x, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(KeywayException.class);
    return ((KeywayException) e).code();
  }

  @Test
  @DisplayName("interleaved resolves of two tenants, pipelined on shared connections, each open their owner's credential")
  void pipelinedResolvesStayInTheirTenant() throws Exception {
    List<Future<ResolvedCredential>> inFlight = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 10; i++) {
        inFlight.add(vault.resolve(TENANT_A, ALICE, "alpaca", "l" + i));
        expected.add("alice-secret-" + i);
        inFlight.add(vault.resolve(TENANT_B, BOB, "alpaca", "l" + i));
        expected.add("bob-secret-" + i);
      }
    }
    for (int k = 0; k < inFlight.size(); k++) {
      try (ResolvedCredential c = await(inFlight.get(k))) {
        assertThat(c.secret().reveal()).isEqualTo(expected.get(k));
      }
    }
  }

  @Test
  @DisplayName("a resolve naming another tenant's user, in flight among valid ones, finds nothing")
  void crossTenantFindsNothing() throws Exception {
    List<Future<ResolvedCredential>> valid = new ArrayList<>();
    List<Future<ResolvedCredential>> crossed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      valid.add(vault.resolve(TENANT_A, ALICE, "alpaca", "l" + i));
      crossed.add(vault.resolve(TENANT_A, BOB, "alpaca", "l" + i));   // bob is in tenant B
      crossed.add(vault.resolve(TENANT_B, ALICE, "alpaca", "l" + i)); // alice is in tenant A
      valid.add(vault.resolve(TENANT_B, BOB, "alpaca", "l" + i));
    }
    for (Future<ResolvedCredential> f : crossed) {
      assertThat(failureCode(f)).isEqualTo(ErrorCode.NOT_FOUND);
    }
    for (Future<ResolvedCredential> f : valid) {
      await(f).close();
    }
  }

  @Test
  @DisplayName("after pipelined resolves, a plain statement on a pipelined connection sees no tenant's rows")
  void noTenantLeftOnPipelinedConnections() throws Exception {
    SqlClient reads = AppPool.pipelinedClient(vertx, db.app(), 1);
    try {
      List<Future<ResolvedCredential>> inFlight = new ArrayList<>();
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        inFlight.add(store.resolve(reads, TENANT_A, ALICE, "alpaca", "l" + i));
        counts.add(reads.query("SELECT count(*) AS n FROM vault.credentials").execute()
            .map(rows -> rows.iterator().next().getLong("n")));
      }
      for (Future<ResolvedCredential> f : inFlight) {
        await(f).close();
      }
      for (Future<Long> n : counts) {
        assertThat(await(n)).as("a statement pipelined after a resolve sees no rows").isZero();
      }
    } finally {
      await(reads.close());
    }
  }

  @Test
  @DisplayName("every resolve reads the database: a rotation shows at once, an unlink is not found at once")
  void nothingIsCached() throws Exception {
    UUID carol = UUID.randomUUID();
    await(store.link(TENANT_A, carol, "alpaca", "main", "PKCAROL000000001", "carol-secret-1"));
    try (ResolvedCredential c = await(vault.resolve(TENANT_A, carol, "alpaca", "main"))) {
      assertThat(c.secret().reveal()).isEqualTo("carol-secret-1");
    }
    CredentialView rotated = await(store.link(TENANT_A, carol, "alpaca", "main", "PKCAROL000000002", "carol-secret-2"))
        .credential();
    try (ResolvedCredential c = await(vault.resolve(TENANT_A, carol, "alpaca", "main"))) {
      assertThat(c.secret().reveal()).isEqualTo("carol-secret-2");
      assertThat(c.keyId().reveal()).isEqualTo("PKCAROL000000002");
    }
    await(store.unlink(TENANT_A, carol, rotated.id()));
    assertThat(failureCode(vault.resolve(TENANT_A, carol, "alpaca", "main"))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("a resolve in any other shape than a whole CredentialIdentity is refused as a bad request, and the vault keeps answering")
  void malformedResolveIsABadRequest() throws Exception {
    DeliveryOptions typed = new DeliveryOptions().setCodecName(VaultVerticle.REQUEST_CODEC).setSendTimeout(5_000);
    List<Future<?>> malformed = List.of(
        vertx.eventBus().request(VaultAddresses.RESOLVE, new JsonObject().put("tenantId", TENANT_A.toString())
            .put("userId", ALICE.toString()).put("provider", "alpaca").put("label", "l0")),
        vertx.eventBus().request(VaultAddresses.RESOLVE, "l0"),
        vertx.eventBus().request(VaultAddresses.RESOLVE, new CredentialIdentity(null, ALICE, "alpaca", "l0"), typed),
        vertx.eventBus().request(VaultAddresses.RESOLVE, new CredentialIdentity(TENANT_A, null, "alpaca", "l0"), typed),
        vertx.eventBus().request(VaultAddresses.RESOLVE, new CredentialIdentity(TENANT_A, ALICE, null, "l0"), typed),
        vertx.eventBus().request(VaultAddresses.RESOLVE, new CredentialIdentity(TENANT_A, ALICE, "alpaca", null), typed));
    for (Future<?> f : malformed) {
      Throwable e = f.toCompletionStage().toCompletableFuture().handle((x, t) -> t).get(10, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) e).failureCode()).isEqualTo(ErrorCode.BAD_REQUEST.replyCode());
      assertThat(e.getMessage()).isEqualTo("malformed resolve");
    }
    try (ResolvedCredential c = await(vault.resolve(TENANT_A, ALICE, "alpaca", "l0"))) {
      assertThat(c.secret().reveal()).isEqualTo("alice-secret-0");
    }
  }
}

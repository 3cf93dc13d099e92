package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.AppPool;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resolves grouped per tenant and read with one statement per group, on a real PostgreSQL: each
 * caller still gets its own credential, its own 404 and its own integrity failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolveBatcherTest {
  private static final UUID TENANT_A = UUID.randomUUID();
  private static final UUID TENANT_B = UUID.randomUUID();
  private static final UUID ALICE = UUID.randomUUID();
  private static final UUID AMY = UUID.randomUUID();
  private static final UUID BOB = UUID.randomUUID();
  private static final UUID BEN = UUID.randomUUID();
  private static final Map<UUID, String> NAMES = Map.of(ALICE, "alice", AMY, "amy", BOB, "bob", BEN, "ben");
  private static final List<String> LABELS = List.of("main", "spare");
  /** Credential id of each (user, label) linked in {@link #start()}. */
  private static final Map<String, UUID> IDS = new HashMap<>();

  private static Vertx vertx;
  private static TestPostgres.TestDatabase db;
  private static CredentialStore store;
  private static SqlClient reads;
  private static VaultVerticle verticle;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestPostgres.freshDatabase();
    store = new CredentialStore(new TenantScope(db.appPool(vertx)), new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
    reads = AppPool.pipelinedClient(vertx, db.app(), 2);
    for (UUID user : NAMES.keySet()) {
      for (String label : LABELS) {
        link(tenantOf(user), user, label);
      }
    }
    link(TENANT_A, AMY, "amy-only");
    verticle = new VaultVerticle(store, db.app());
    await(vertx.deployVerticle(verticle));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void link(UUID tenant, UUID user, String label) throws Exception {
    CredentialView v = await(store.link(tenant, user, "alpaca", label, keyId(user, label), secret(user, label)))
        .credential();
    IDS.put(user + "/" + label, v.id());
  }

  private static UUID tenantOf(UUID user) {
    return user.equals(ALICE) || user.equals(AMY) ? TENANT_A : TENANT_B;
  }

  private static String keyId(UUID user, String label) {
    return ("PK" + NAMES.getOrDefault(user, "x") + label + "0000000000").toUpperCase().substring(0, 16);
  }

  private static String secret(UUID user, String label) {
    return NAMES.getOrDefault(user, user.toString()) + "-" + label + "-secret";
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().handle((x, e) -> e).get(10, TimeUnit.SECONDS);
  }

  private static CredentialIdentity ask(UUID tenant, UUID user, String label) {
    return new CredentialIdentity(tenant, user, "alpaca", label);
  }

  /** A batcher of its own, asked every one of {@code asks} in one turn of its event loop. */
  private record OneTurn(ResolveBatcher batcher, List<Future<ResolvedCredential>> answers) {}

  private static OneTurn inOneTurn(List<CredentialIdentity> asks) throws Exception {
    Context context = vertx.getOrCreateContext();
    ResolveBatcher batcher = new ResolveBatcher(context, store, reads, 1);
    Promise<List<Future<ResolvedCredential>>> asked = Promise.promise();
    context.runOnContext(v -> {
      List<Future<ResolvedCredential>> answers = new ArrayList<>();
      asks.forEach(who -> answers.add(batcher.resolve(who)));
      asked.complete(answers);
    });
    List<Future<ResolvedCredential>> answers = await(asked.future());
    await(Future.join(answers).otherwiseEmpty());
    return new OneTurn(batcher, answers);
  }

  private static void assertOwn(Future<ResolvedCredential> answer, UUID user, String label) throws Exception {
    try (ResolvedCredential c = await(answer)) {
      assertThat(c.credentialId()).isEqualTo(IDS.get(user + "/" + label));
      assertThat(c.keyId().reveal()).isEqualTo(keyId(user, label));
      assertThat(c.secret().reveal()).isEqualTo(secret(user, label));
    }
  }

  @Test
  @DisplayName("one turn's resolves of two tenants and four users: one statement per tenant, each gets exactly its own credential")
  void batchOfTwoTenantsEachGetsItsOwn() throws Exception {
    List<UUID> users = List.of(ALICE, BOB, AMY, BEN);
    List<CredentialIdentity> asks = new ArrayList<>();
    for (String label : LABELS) {
      for (UUID user : users) {
        asks.add(ask(tenantOf(user), user, label));
      }
    }
    OneTurn turn = inOneTurn(asks);
    assertThat(turn.batcher().statements()).as("one statement per tenant").isEqualTo(2);
    assertThat(turn.batcher().resolves()).isEqualTo(asks.size());
    for (int i = 0; i < asks.size(); i++) {
      assertOwn(turn.answers().get(i), asks.get(i).userId(), asks.get(i).label());
    }
  }

  @Test
  @DisplayName("in one batch, another user's label and another tenant's user are 404 while the others succeed")
  void anotherUsersLabelIsNotFoundInABatch() throws Exception {
    OneTurn turn = inOneTurn(List.of(
        ask(TENANT_A, ALICE, "main"),
        ask(TENANT_A, ALICE, "amy-only"), // amy's label, not alice's
        ask(TENANT_A, AMY, "amy-only"),
        ask(TENANT_B, ALICE, "main"),     // alice is in tenant A
        ask(TENANT_B, BOB, "main"),
        ask(TENANT_A, BOB, "spare")));    // bob is in tenant B
    assertThat(turn.batcher().statements()).isEqualTo(2);
    assertOwn(turn.answers().get(0), ALICE, "main");
    assertOwn(turn.answers().get(2), AMY, "amy-only");
    assertOwn(turn.answers().get(4), BOB, "main");
    for (int i : new int[] {1, 3, 5}) {
      Throwable e = failure(turn.answers().get(i));
      assertThat(e).isInstanceOf(KeywayException.class);
      assertThat(((KeywayException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }
  }

  @Test
  @DisplayName("a tampered credential in a batch fails only its own caller, naming its id")
  void tamperedRowFailsOnlyItsCaller() throws Exception {
    UUID carl = UUID.randomUUID();
    UUID dora = UUID.randomUUID();
    link(TENANT_A, carl, "main");
    link(TENANT_A, dora, "main");
    try (Connection c = DatabaseBootstrap.connect(db.admin()); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE vault.credentials t SET wrapped_key = d.wrapped_key, key_id_ct = d.key_id_ct, "
          + "secret_ct = d.secret_ct FROM vault.credentials d WHERE d.user_id = '" + dora + "' AND t.user_id = '"
          + carl + "'");
    }
    OneTurn turn = inOneTurn(List.of(ask(TENANT_A, dora, "main"), ask(TENANT_A, carl, "main"),
        ask(TENANT_A, ALICE, "main"), ask(TENANT_B, BOB, "main"), ask(TENANT_B, BEN, "spare")));
    assertThat(turn.batcher().statements()).isEqualTo(2);
    Throwable tampered = failure(turn.answers().get(1));
    assertThat(tampered).isInstanceOf(VaultIntegrityException.class)
        .hasMessageContaining(IDS.get(carl + "/main").toString());
    assertThat(tampered.getMessage()).doesNotContain(secret(dora, "main")).doesNotContain(secret(carl, "main"));
    assertOwn(turn.answers().get(0), dora, "main");
    assertOwn(turn.answers().get(2), ALICE, "main");
    assertOwn(turn.answers().get(3), BOB, "main");
    assertOwn(turn.answers().get(4), BEN, "spare");
  }

  @Test
  @DisplayName("after batched reads of two tenants, plain statements pipelined on the same connection see no tenant's rows")
  void noTenantLeftAfterBatchedReads() throws Exception {
    SqlClient oneConnection = AppPool.pipelinedClient(vertx, db.app(), 1);
    try {
      List<Future<ResolvedCredential>> answers = new ArrayList<>();
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answers.addAll(store.resolveAll(oneConnection, TENANT_A,
            List.of(ask(TENANT_A, ALICE, "main"), ask(TENANT_A, AMY, "spare"))));
        counts.add(oneConnection.query("SELECT count(*) AS n FROM vault.credentials").execute()
            .map(rows -> rows.iterator().next().getLong("n")));
        answers.addAll(store.resolveAll(oneConnection, TENANT_B,
            List.of(ask(TENANT_B, BOB, "main"), ask(TENANT_B, BEN, "spare"))));
        counts.add(oneConnection.query("SELECT count(*) AS n FROM vault.credentials").execute()
            .map(rows -> rows.iterator().next().getLong("n")));
      }
      for (Future<ResolvedCredential> answer : answers) {
        await(answer).close();
      }
      for (Future<Long> n : counts) {
        assertThat(await(n)).as("a statement pipelined after a batched read sees no rows").isZero();
      }
    } finally {
      await(oneConnection.close());
    }
  }

  @Test
  @DisplayName("a tenant's group is read at most 256 at a time: 600 in one turn take three statements, each answered")
  void groupsAreCapped() throws Exception {
    List<CredentialIdentity> asks = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      UUID user = i % 2 == 0 ? ALICE : AMY;
      asks.add(ask(TENANT_A, user, LABELS.get((i / 2) % LABELS.size())));
    }
    OneTurn turn = inOneTurn(asks);
    assertThat(turn.batcher().statements()).isEqualTo(3);
    for (int i = 0; i < asks.size(); i++) {
      assertOwn(turn.answers().get(i), asks.get(i).userId(), asks.get(i).label());
    }
  }

  @Test
  @DisplayName("resolves asked in later turns while a read is in flight wait for it and share the next statement")
  void resolvesAskedWhileAReadIsInFlightShareTheNext() throws Exception {
    Context context = vertx.getOrCreateContext();
    ResolveBatcher batcher = new ResolveBatcher(context, store, reads, 1);
    List<Future<ResolvedCredential>> answers = new ArrayList<>();
    Promise<Void> asked = Promise.promise();
    context.runOnContext(first -> {
      answers.add(batcher.resolve(ask(TENANT_A, ALICE, "main")));
      // each in a turn of its own, queued behind the first turn's flush, before its read can be back; the third
      // is queued from the second's turn, behind the flush the second asks for, so without the limit on flushes
      // in flight the second would be read alone and the third take a statement of its own
      context.runOnContext(second -> {
        answers.add(batcher.resolve(ask(TENANT_A, AMY, "spare")));
        context.runOnContext(third -> {
          answers.add(batcher.resolve(ask(TENANT_A, ALICE, "spare")));
          asked.complete();
        });
      });
    });
    await(asked.future());
    await(Future.join(answers).otherwiseEmpty());
    assertThat(batcher.statements()).as("the first turn's read, then one for the two asked while it was in flight")
        .isEqualTo(2);
    assertOwn(answers.get(0), ALICE, "main");
    assertOwn(answers.get(1), AMY, "spare");
    assertOwn(answers.get(2), ALICE, "spare");
  }

  @Test
  @DisplayName("many concurrent resolves from four event loops through the vault all open their own credential, read in batches")
  void manyConcurrentResolvesAllCorrect() throws Exception {
    VaultClient vault = new VaultClient(vertx);
    List<UUID> users = List.of(ALICE, AMY, BOB, BEN);
    long statementsBefore = await(onVault(() -> verticle.batcher().statements()));
    long resolvesBefore = await(onVault(() -> verticle.batcher().resolves()));
    List<Future<List<Future<ResolvedCredential>>>> callers = new ArrayList<>();
    for (int loop = 0; loop < 4; loop++) {
      Context context = vertx.getOrCreateContext();
      Promise<List<Future<ResolvedCredential>>> sent = Promise.promise();
      context.runOnContext(v -> {
        List<Future<ResolvedCredential>> answers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          UUID user = users.get(i % users.size());
          answers.add(vault.resolve(tenantOf(user), user, "alpaca", LABELS.get((i / users.size()) % LABELS.size())));
        }
        sent.complete(answers);
      });
      callers.add(sent.future());
    }
    for (Future<List<Future<ResolvedCredential>>> caller : callers) {
      List<Future<ResolvedCredential>> answers = await(caller);
      for (int i = 0; i < answers.size(); i++) {
        assertOwn(answers.get(i), users.get(i % users.size()), LABELS.get((i / users.size()) % LABELS.size()));
      }
    }
    long statements = await(onVault(() -> verticle.batcher().statements())) - statementsBefore;
    long resolves = await(onVault(() -> verticle.batcher().resolves())) - resolvesBefore;
    assertThat(resolves).isEqualTo(2_000);
    // four loops each send 500 in one turn, of two tenants: without batching this would be 2,000 statements
    assertThat(statements).as("resolves arriving together share statements").isLessThanOrEqualTo(resolves / 10);
  }

  /** Reads a counter of the deployed vault's batcher on the vault's own event loop. */
  private static Future<Long> onVault(java.util.function.Supplier<Long> counter) {
    Promise<Long> read = Promise.promise();
    verticle.context().runOnContext(v -> read.complete(counter.get()));
    return read.future();
  }
}

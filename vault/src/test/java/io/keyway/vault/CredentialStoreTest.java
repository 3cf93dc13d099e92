package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CredentialStoreTest {
  private static Vertx vertx;
  private static TestPostgres.TestDatabase db;
  private static CredentialStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = TestPostgres.freshDatabase();
    store = new CredentialStore(new TenantScope(db.appPool(vertx)), new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().handle((x, e) -> e).get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("resolve opens exactly the owner's credential; other users, tenants and labels find nothing")
  void resolveIsScoped() throws Exception {
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    await(store.link(tenantA, alice, "alpaca", "main", "PKALICE000000001", "alice-secret-1"));
    await(store.link(tenantB, bob, "alpaca", "main", "PKBOB0000000000001", "bob-secret-1"));
    try (ResolvedCredential c = await(store.resolve(tenantA, alice, "alpaca", "main"))) {
      assertThat(c.secret().reveal()).isEqualTo("alice-secret-1");
    }
    for (Future<ResolvedCredential> other : java.util.List.of(
        store.resolve(tenantA, bob, "alpaca", "main"),      // bob is not in tenant A
        store.resolve(tenantB, alice, "alpaca", "main"),    // alice is not in tenant B
        store.resolve(tenantA, alice, "alpaca", "other"),
        store.resolve(tenantA, alice, "binance", "main"))) {
      Throwable e = failure(other);
      assertThat(e).isInstanceOf(KeywayException.class);
      assertThat(((KeywayException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }
  }

  @Test
  @DisplayName("a ciphertext copied onto another user's row, or swapped between fields, fails naming that credential")
  void movedCiphertextFails() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    await(store.link(tenant, alice, "alpaca", "main", "PKALICEMOVE00001", "alice-moved-secret"));
    CredentialView bobs = await(store.link(tenant, bob, "alpaca", "main", "PKBOBMOVE0000001", "bob-moved-secret")).credential();
    try (java.sql.Connection c = DatabaseBootstrap.connect(db.admin()); java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE vault.credentials b SET wrapped_key = a.wrapped_key, key_id_ct = a.key_id_ct, "
          + "secret_ct = a.secret_ct FROM vault.credentials a WHERE a.user_id = '" + alice + "' AND b.user_id = '" + bob + "'");
    }
    Throwable moved = failure(store.resolve(tenant, bob, "alpaca", "main"));
    assertThat(moved).isInstanceOf(VaultIntegrityException.class).hasMessageContaining(bobs.id().toString());
    assertThat(moved.getMessage()).doesNotContain("alice-moved-secret");
    try (java.sql.Connection c = DatabaseBootstrap.connect(db.admin()); java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE vault.credentials SET key_id_ct = secret_ct, secret_ct = key_id_ct WHERE user_id = '" + alice + "'");
    }
    UUID aliceId = await(store.list(tenant, alice)).get(0).id();
    assertThat(failure(store.resolve(tenant, alice, "alpaca", "main")))
        .isInstanceOf(VaultIntegrityException.class).hasMessageContaining(aliceId.toString());
  }

  @Test
  @DisplayName("the one-statement resolve leaves no tenant set behind on the pooled connection")
  void noTenantLeaksAfterResolve() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    await(store.link(tenant, user, "alpaca", "main", "PKLEAK0000000001", "leak-secret-1"));
    var pool = db.appPool(vertx);
    CredentialStore onePool = new CredentialStore(new TenantScope(pool),
        new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
    for (int i = 0; i < 20; i++) {
      await(onePool.resolve(tenant, user, "alpaca", "main")).close();
    }
    Long visible = await(pool.query("SELECT count(*) AS n FROM vault.credentials").execute()).iterator().next().getLong("n");
    assertThat(visible).as("a plain statement after resolves sees no tenant's rows").isZero();
    try (Connection c = DatabaseBootstrap.connect(db.app());
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM vault.sealed_credential('" + tenant + "', '"
             + user + "', 'alpaca', 'main')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    }
    try (Connection c = DatabaseBootstrap.connect(db.app());
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM vault.credentials")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }
}

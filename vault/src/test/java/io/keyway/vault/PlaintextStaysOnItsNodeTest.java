package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two clustered Vert.x nodes on loopback (real Hazelcast, TCP/IP join, multicast off). The vault
 * runs on node A. Node B asking for plaintext finds no handler; and node A cannot push a plaintext
 * type across the wire even on purpose.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlaintextStaysOnItsNodeTest {
  private static Vertx a;
  private static Vertx b;
  private static UUID tenant = UUID.randomUUID();
  private static UUID user = UUID.randomUUID();

  private static Vertx clustered(int port) throws Exception {
    Config hz = new Config();
    hz.setClusterName("keyway-vault-test-" + ProcessHandle.current().pid());
    hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    var join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + 15701).addMember("127.0.0.1:" + 15702);
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hz))
        .buildClustered()
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void cluster() throws Exception {
    a = clustered(15701);
    b = clustered(15702);
    var db = TestPostgres.freshDatabase();
    CredentialStore store = new CredentialStore(new TenantScope(db.appPool(a)),
        new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
    await(VaultVerticle.deployOnEveryEventLoop(a, store, db.app()));
    await(store.link(tenant, user, "alpaca", "main", "PKCLUSTERKEY00001", "cluster-secret-1"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      await(b.close());
    }
    if (a != null) {
      await(a.close());
    }
  }

  private static JsonObject ask() {
    return new JsonObject().put("tenantId", tenant.toString()).put("userId", user.toString())
        .put("provider", "alpaca").put("label", "main");
  }

  @Test
  @DisplayName("the vault answers on its own node, and a plaintext resolve from another node finds no handler, on the shared address or a loop's")
  void otherNodeGetsNoHandler() throws Exception {
    try (ResolvedCredential local = await(new VaultClient(a).resolve(tenant, user, "alpaca", "main"))) {
      assertThat(local.secret().reveal()).isEqualTo("cluster-secret-1");
    }
    // prove the two nodes do talk: a clustered consumer on A answers B
    a.eventBus().<String>consumer("probe.echo", m -> m.reply("pong from A"));
    String echoed = null;
    for (int i = 0; i < 50 && echoed == null; i++) {
      try {
        echoed = await(b.eventBus().<String>request("probe.echo", "ping", new DeliveryOptions().setSendTimeout(2000))).body();
      } catch (Exception notYetPropagated) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    assertThat(echoed).isEqualTo("pong from A");

    Throwable fromB = b.eventBus().request(VaultAddresses.RESOLVE, ask(), new DeliveryOptions().setSendTimeout(3000))
        .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(fromB).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) fromB).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    // nor does the address of a vault on one of A's event loops: its consumer is node-local too
    String loopAddress = LoopVaults.on(EventLoops.all(a).get(0));
    assertThat(loopAddress).startsWith(VaultAddresses.RESOLVE_ON_LOOP);
    Throwable loopFromB = b.eventBus().request(loopAddress, ask(), new DeliveryOptions().setSendTimeout(3000))
        .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(loopFromB).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) loopFromB).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  @Test
  @DisplayName("a plaintext credential cannot be sent to another node: its codec refuses the wire")
  void secretRefusesTheWire() throws Exception {
    VaultVerticle.registerCodec(b);
    var received = new java.util.concurrent.atomic.AtomicInteger();
    await(b.eventBus().consumer("probe.sink", m -> received.incrementAndGet()).completion());
    // first prove an ordinary message from A reaches the sink on B
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (received.get() == 0) {
      a.eventBus().send("probe.sink", "ordinary");
      assertThat(System.nanoTime()).as("the sink on B never heard from A").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    int ordinary = received.get();
    try (ResolvedCredential secret = await(new VaultClient(a).resolve(tenant, user, "alpaca", "main"))) {
      Throwable refused;
      try {
        refused = a.eventBus().request("probe.sink", secret,
                new DeliveryOptions().setCodecName(VaultVerticle.CODEC).setSendTimeout(2000))
            .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get(10, TimeUnit.SECONDS);
      } catch (IllegalStateException thrownAtOnce) {
        refused = thrownAtOnce;
      }
      assertThat(refused).isNotNull();
      Throwable root = refused;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertThat(root).as(refused.toString()).hasMessageContaining("plaintext secrets never leave this node");
      assertThat(received.get()).isEqualTo(ordinary);
    }
  }
}

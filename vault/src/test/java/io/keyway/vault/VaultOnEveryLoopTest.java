package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One vault on every event loop, as a node deploys it: a caller on an event loop is answered by the
 * vault on its own loop (request and reply on one thread), a caller elsewhere by any of them, and
 * isolation is that of every resolve. Two tenants, a user in each.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VaultOnEveryLoopTest {
  private static final int LOOPS = 3;
  private final UUID tenantA = UUID.randomUUID();
  private final UUID tenantB = UUID.randomUUID();
  private final UUID alice = UUID.randomUUID();
  private final UUID bob = UUID.randomUUID();
  private Vertx vertx;
  private CredentialStore store;
  private VaultVerticle.Coverage deployed;
  /** The threads resolve requests were delivered on since last cleared (the tests ask one at a time). */
  private final List<String> deliveredOn = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));
    var db = TestPostgres.freshDatabase();
    store = new CredentialStore(new TenantScope(db.appPool(vertx)), new EnvelopeCipher(new MasterKey(TestPostgres.MASTER_KEY)));
    await(store.link(tenantA, alice, "alpaca", "main", "PKALICE000000001", "alice-secret-1"));
    await(store.link(tenantB, bob, "alpaca", "main", "PKBOB00000000001", "bob-secret-1"));
    deployed = await(VaultVerticle.deployOnEveryEventLoop(vertx, store, db.app()));
    // an inbound interceptor runs on the receiving consumer's context: the vault's thread
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().address().startsWith(VaultAddresses.RESOLVE)) {
        deliveredOn.add(Thread.currentThread().getName());
      }
      delivery.next();
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A fresh context on each event loop, by the loop's thread name. */
  private Map<String, Context> contextPerLoop() throws Exception {
    Map<String, Context> byThread = new LinkedHashMap<>();
    for (EventLoop loop : EventLoops.all(vertx)) {
      Context c = EventLoops.contextOn(vertx, loop);
      Promise<String> thread = Promise.promise();
      c.runOnContext(v -> thread.complete(Thread.currentThread().getName()));
      byThread.put(await(thread.future()), c);
    }
    assertThat(byThread).hasSize(LOOPS);
    return byThread;
  }

  /** Runs {@code resolve} on {@code on} and hands back its outcome (the secret, or the failure's code). */
  private static String on(Context on, Supplier<Future<ResolvedCredential>> resolve) throws Exception {
    Promise<String> outcome = Promise.promise();
    on.runOnContext(v -> resolve.get().onComplete(r -> {
      if (r.succeeded()) {
        try (ResolvedCredential c = r.result()) {
          outcome.complete(c.secret().reveal());
        }
      } else {
        outcome.complete(r.cause() instanceof KeywayException k ? k.code().name() : r.cause().toString());
      }
    }));
    return await(outcome.future());
  }

  @Test
  @DisplayName("every event loop gets a vault, and a caller on a loop is answered on that loop with its own tenant's credential")
  void callersAreAnsweredOnTheirOwnLoop() throws Exception {
    assertThat(deployed.loops()).isEqualTo(LOOPS);
    assertThat(deployed.loopsWithVault()).isEqualTo(LOOPS);
    for (EventLoop loop : EventLoops.all(vertx)) {
      assertThat(LoopVaults.on(loop)).startsWith(VaultAddresses.RESOLVE_ON_LOOP);
    }
    List<String> addresses = new ArrayList<>();
    EventLoops.all(vertx).forEach(l -> addresses.add(LoopVaults.on(l)));
    assertThat(addresses).as("one address per loop").doesNotHaveDuplicates();

    VaultClient client = new VaultClient(vertx);
    for (var caller : contextPerLoop().entrySet()) {
      Context c = caller.getValue();
      deliveredOn.clear();
      assertThat(on(c, () -> client.resolve(tenantA, alice, "alpaca", "main"))).isEqualTo("alice-secret-1");
      assertThat(on(c, () -> client.resolve(tenantB, bob, "alpaca", "main"))).isEqualTo("bob-secret-1");
      // another tenant's user, asked in the wrong tenant, is not found on this path either
      assertThat(on(c, () -> client.resolve(tenantA, bob, "alpaca", "main"))).isEqualTo(ErrorCode.NOT_FOUND.name());
      assertThat(on(c, () -> client.resolve(tenantB, alice, "alpaca", "main"))).isEqualTo(ErrorCode.NOT_FOUND.name());
      assertThat(deliveredOn).as("the vaults that took the resolves of a caller on " + caller.getKey())
          .containsExactly(caller.getKey(), caller.getKey(), caller.getKey(), caller.getKey());
    }
  }

  @Test
  @DisplayName("a caller that is not on an event loop is answered too, by one of the vaults, with its own credential")
  void callersOffTheLoopsUseTheSharedAddress() throws Exception {
    VaultClient client = new VaultClient(vertx);
    try (ResolvedCredential c = await(client.resolve(tenantB, bob, "alpaca", "main"))) {
      assertThat(c.secret().reveal()).isEqualTo("bob-secret-1");
    }
    Throwable e = client.resolve(tenantB, alice, "alpaca", "main").toCompletionStage().toCompletableFuture()
        .handle((x, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(((KeywayException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("undeploying the vaults takes their loops' addresses out of use before their consumers go")
  void undeployForgetsTheLoops() throws Exception {
    assertThat(deployed.deploymentIds()).hasSize(LOOPS);
    for (String id : deployed.deploymentIds()) {
      await(vertx.undeploy(id));
    }
    for (EventLoop loop : EventLoops.all(vertx)) {
      assertThat(LoopVaults.on(loop)).isNull();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} turn(s) a deployment")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4})
  @DisplayName("every one of four loops gets a vault however many turns of the round-robin a deployment takes (a clustered node's take two)")
  void coversEveryLoopWhateverTheStride(int turns) throws Exception {
    Vertx four = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try {
      var db = TestPostgres.freshDatabase();
      List<EventLoop> loops = EventLoops.all(four);
      // each deployment takes one turn for itself; the supplier takes the others, as a clustered node's deploy does
      Supplier<VaultVerticle> taking = () -> {
        for (int i = 1; i < turns; i++) {
          EventLoops.turn(four);
        }
        return new VaultVerticle(store, db.app());
      };
      VaultVerticle.Coverage c = await(VaultVerticle.deployUntilCovered(four, loops, taking, new ArrayList<>(),
          loops.size() * VaultVerticle.DEPLOY_ATTEMPTS_PER_LOOP));
      assertThat(c.loopsWithVault()).as("loops with a vault").isEqualTo(4);
      assertThat(c.deploymentIds()).hasSize(4);
      loops.forEach(l -> assertThat(LoopVaults.on(l)).isNotNull());
    } finally {
      four.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}

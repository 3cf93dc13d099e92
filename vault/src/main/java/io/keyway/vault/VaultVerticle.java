package io.keyway.vault;

import io.keyway.config.DbUrl;
import io.keyway.config.db.AppPool;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault on this node: answers credential resolves with plaintext, to callers on this node only
 * ({@code localConsumer}), in a type whose codec refuses the wire. A node deploys one on each of its
 * event loops ({@link #deployOnEveryEventLoop}): each answers the shared {@link VaultAddresses#RESOLVE}
 * and an address of its own loop's, which {@link VaultClient} uses from that loop, so a resolve's
 * request and reply stay on the caller's thread and only the database read leaves it.
 *
 * <p>Given the runtime database URL, it reads credentials through a pipelined client of its own
 * ({@link #READ_CONNECTIONS} connections, on this verticle's event loop), so concurrent resolves
 * share round trips instead of queueing for pooled connections; without one it reads through the
 * store's pool. Either way the resolves that reach it in one turn of its event loop are read with
 * one statement per tenant ({@link ResolveBatcher}), and every resolve reads the database and
 * decrypts: nothing is cached.
 */
public final class VaultVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(VaultVerticle.class);
  /** The codec name plaintext replies are sent with. */
  public static final String CODEC = SecretCodec.nameFor(ResolvedCredential.class);
  /** The codec name resolve requests ({@link CredentialIdentity}) are sent with: by reference, never on the wire. */
  public static final String REQUEST_CODEC = SecretCodec.nameFor(CredentialIdentity.class);
  private static final DeliveryOptions PLAINTEXT_REPLY = new DeliveryOptions().setCodecName(CODEC);

  /**
   * Connections of an instance's pipelined read client. A node runs one instance per event loop
   * ({@link #deployOnEveryEventLoop}), so it holds one connection per loop.
   */
  static final int READ_CONNECTIONS = 1;
  /**
   * Flushes of batched resolves read at once by default (see {@link ResolveBatcher}); resolves
   * arriving while this many are in flight go in the next flush.
   */
  public static final int FLUSHES_IN_FLIGHT = 1;
  /** Deployments tried per event loop before {@link #deployOnEveryEventLoop} settles for the loops it has. */
  static final int DEPLOY_ATTEMPTS_PER_LOOP = 4;

  private final CredentialStore store;
  private final DbUrl readsUrl;
  private final int flushesInFlight;
  private SqlClient reads;
  private ResolveBatcher batcher;
  private EventLoop loop;
  private boolean registered;
  /** Whether this instance was the first vault on its event loop (set in {@link #start}). */
  private boolean firstOnItsLoop;

  /** Reads through a pipelined client of its own, logged in with {@code appUrl} (the runtime role). */
  public VaultVerticle(CredentialStore store, DbUrl appUrl) {
    this(store, appUrl, FLUSHES_IN_FLIGHT);
  }

  /**
   * The same, reading up to {@code flushesInFlight} flushes of batched resolves at once; {@code
   * appUrl} null reads through the store's pool (for comparing settings in the benchmark).
   */
  public VaultVerticle(CredentialStore store, DbUrl appUrl, int flushesInFlight) {
    this.store = store;
    this.readsUrl = appUrl;
    this.flushesInFlight = flushesInFlight;
  }

  /** Reads through the store's pool: one statement at a time per pooled connection (slower). */
  public VaultVerticle(CredentialStore store) {
    this(store, null);
  }

  /** Registers the no-wire codecs of the plaintext reply and of the request, once per Vert.x instance (idempotent). */
  public static void registerCodec(io.vertx.core.Vertx vertx) {
    register(vertx, new SecretCodec<>(ResolvedCredential.class));
    register(vertx, new SecretCodec<>(CredentialIdentity.class, "vault resolves"));
  }

  private static void register(io.vertx.core.Vertx vertx, SecretCodec<?> codec) {
    try {
      vertx.eventBus().registerCodec(codec);
    } catch (IllegalStateException alreadyRegistered) {
      // another vault verticle or client on this Vert.x registered it first
    }
  }

  @Override
  public Future<?> start() {
    registerCodec(vertx);
    if (readsUrl != null) {
      reads = AppPool.pipelinedClient(vertx, readsUrl, READ_CONNECTIONS);
    }
    batcher = new ResolveBatcher(context, store, reads == null ? store.pool() : reads, flushesInFlight);
    loop = EventLoops.of(context);
    String own = LoopVaults.on(loop);
    firstOnItsLoop = own == null;
    String address = firstOnItsLoop ? LoopVaults.newAddress() : own;
    return Future.all(vertx.eventBus().localConsumer(VaultAddresses.RESOLVE, this::resolve).completion(),
            vertx.eventBus().localConsumer(address, this::resolve).completion())
        .onSuccess(v -> {
          LoopVaults.register(loop, address);
          registered = true;
        });
  }

  @Override
  public Future<?> stop() {
    // callers on this loop stop picking its address before its consumer goes (at undeploy, after stop)
    if (registered) {
      LoopVaults.unregister(loop);
    }
    return reads == null ? Future.succeededFuture() : reads.close();
  }

  /**
   * Deploys one vault on every event loop of {@code vertx} (each with its own read connection), so a
   * caller on an event loop is answered on that loop ({@link VaultClient}); resolves from elsewhere go
   * to any of them. Vert.x gives each new deployment the next event loop in turn, but other work (the
   * cluster manager, say) may take some turns meanwhile: so one instance is deployed at a time, an
   * instance that lands on a loop that already has a vault is undeployed again, and it stops once
   * every loop has one (or after {@link #DEPLOY_ATTEMPTS_PER_LOOP} tries a loop). The future tells
   * how many loops got one.
   */
  public static Future<Coverage> deployOnEveryEventLoop(io.vertx.core.Vertx vertx, CredentialStore store, DbUrl appUrl) {
    return deployOnEveryEventLoop(vertx, store, appUrl, FLUSHES_IN_FLIGHT);
  }

  /** The same, each instance as {@link #VaultVerticle(CredentialStore, DbUrl, int)} (for comparing settings). */
  public static Future<Coverage> deployOnEveryEventLoop(io.vertx.core.Vertx vertx, CredentialStore store, DbUrl appUrl,
      int flushesInFlight) {
    List<EventLoop> loops = EventLoops.all(vertx);
    return deployUntilCovered(vertx, loops, () -> new VaultVerticle(store, appUrl, flushesInFlight), new ArrayList<>(),
        loops.size() * DEPLOY_ATTEMPTS_PER_LOOP);
  }

  /**
   * Deploys vaults one at a time until every loop has one or the attempts run out; one that lands on a loop
   * that has a vault is undeployed, and the event loops' round-robin is then turned so that the next one
   * lands on a loop without: a deployment may take more than one turn of it (a clustered node's takes two),
   * so after each miss the turns a deployment took are measured (from the loop the last turn gave to the
   * loop the vault landed on) and the round-robin is stopped that many turns before a loop without a vault.
   */
  static Future<Coverage> deployUntilCovered(io.vertx.core.Vertx vertx, List<EventLoop> loops,
      Supplier<VaultVerticle> vaults, List<String> kept, int attemptsLeft) {
    return deployUntilCovered(vertx, loops, vaults, kept, attemptsLeft, null);
  }

  /** As above; {@code lastTurned}: the loop the last turn of the round-robin made here gave, or null. */
  private static Future<Coverage> deployUntilCovered(io.vertx.core.Vertx vertx, List<EventLoop> loops,
      Supplier<VaultVerticle> vaults, List<String> kept, int attemptsLeft, EventLoop lastTurned) {
    int covered = (int) loops.stream().filter(l -> LoopVaults.on(l) != null).count();
    if (covered == loops.size() || attemptsLeft == 0) {
      return Future.succeededFuture(new Coverage(List.copyOf(kept), covered, loops.size()));
    }
    VaultVerticle vault = vaults.get();
    return vertx.deployVerticle(vault)
        .compose(id -> {
          if (vault.firstOnItsLoop) {
            kept.add(id);
            return Future.<EventLoop>succeededFuture();
          }
          return vertx.undeploy(id).map(x -> aimAtALoopWithoutVault(vertx, loops, lastTurned, vault.loop));
        })
        .compose(turned -> deployUntilCovered(vertx, loops, vaults, kept, attemptsLeft - 1, turned));
  }

  /**
   * Turns the round-robin so that a deployment taking as many turns as the last one (one, if unknown) lands
   * on a loop without a vault; the loop the last turn gave, or null if none was found.
   */
  private static EventLoop aimAtALoopWithoutVault(io.vertx.core.Vertx vertx, List<EventLoop> loops,
      EventLoop lastTurned, EventLoop landed) {
    int n = loops.size();
    int turns = lastTurned == null ? 1 : Math.floorMod(loops.indexOf(landed) - loops.indexOf(lastTurned), n);
    EventLoop target = loops.stream().filter(l -> LoopVaults.on(l) == null).findFirst().orElse(null);
    if (target == null) {
      return null;
    }
    EventLoop stopAt = loops.get(Math.floorMod(loops.indexOf(target) - turns, n));
    for (int i = 0; i < n; i++) {
      EventLoop turned = EventLoops.turn(vertx);
      if (turned == stopAt) {
        return turned;
      }
    }
    return null;
  }

  /**
   * A deployment of {@link #deployOnEveryEventLoop}: the deployment ids of its vaults (one each), and
   * how many of the event loops have a vault.
   */
  public record Coverage(List<String> deploymentIds, int loopsWithVault, int loops) {}

  /** This vault's batcher, touched only on {@link #context()} (for tests). */
  ResolveBatcher batcher() {
    return batcher;
  }

  /** The context this vault runs on. */
  Context context() {
    return context;
  }

  private void resolve(Message<Object> m) {
    if (!(m.body() instanceof CredentialIdentity who) || who.tenantId() == null || who.userId() == null
        || who.provider() == null || who.label() == null) {
      m.fail(ErrorCode.BAD_REQUEST.replyCode(), "malformed resolve");
      return;
    }
    batcher.resolve(who)
        .onSuccess(c -> m.reply(c, PLAINTEXT_REPLY))
        .onFailure(e -> {
          if (e instanceof KeywayException k) {
            m.fail(k.code().replyCode(), k.getMessage());
          } else {
            LOG.error("Credential resolve failed: {}", e.getMessage());
            m.fail(ErrorCode.UNAVAILABLE.replyCode(), "the vault could not open this credential");
          }
        });
  }
}

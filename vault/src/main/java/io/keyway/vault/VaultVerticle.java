package io.keyway.vault;

import io.keyway.config.DbUrl;
import io.keyway.config.db.AppPool;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault on this node: answers credential resolves with plaintext, to callers on this node only
 * ({@code localConsumer}), in a type whose codec refuses the wire. Deploy one on every node.
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
  public static final String CODEC = "keyway-no-wire-ResolvedCredential";
  /** The codec name resolve requests ({@link CredentialIdentity}) are sent with: by reference, never on the wire. */
  public static final String REQUEST_CODEC = "keyway-no-wire-CredentialIdentity";
  private static final DeliveryOptions PLAINTEXT_REPLY = new DeliveryOptions().setCodecName(CODEC);

  /** Connections of the pipelined read client: enough to keep PostgreSQL busy on a small node. */
  static final int READ_CONNECTIONS = 2;
  /**
   * Flushes of batched resolves read at once by default (see {@link ResolveBatcher}); resolves
   * arriving while this many are in flight go in the next flush.
   */
  public static final int FLUSHES_IN_FLIGHT = 1;

  private final CredentialStore store;
  private final DbUrl readsUrl;
  private final int flushesInFlight;
  private SqlClient reads;
  private ResolveBatcher batcher;

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
    return vertx.eventBus().localConsumer(VaultAddresses.RESOLVE, this::resolve).completion();
  }

  @Override
  public Future<?> stop() {
    return reads == null ? Future.succeededFuture() : reads.close();
  }

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

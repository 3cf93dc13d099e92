package io.keyway.ledger;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's writer on this node: takes appends from the event bus, writes them with group commit
 * ({@link ChainWriters}), answers each once durable, and signs the head of every chain that moved
 * at a fixed interval. A node deploys it with {@link #deploy}: one instance per ledger loop
 * ({@link LedgerAddresses#LOOPS}), each on its own event loop and holding the chains
 * {@link LedgerAddresses#append(UUID)} sends to its loop, so one writer per chain holds on the node
 * and several chains use several cores. An instance made with the public constructor serves every
 * loop's address by itself.
 */
public final class LedgerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerticle.class);
  /** Most appends written in one transaction. */
  public static final int MAX_BATCH = 1000;
  /** Batches of one chain in flight at once: one committing while the next is planned and sent. */
  public static final int PIPELINE_DEPTH = 2;
  /** A chain that wrote nothing for between one and two of these is forgotten by its writer ({@link ChainWriters#forgetIdle}). */
  static final Duration FORGET_IDLE_CHAINS_EVERY = Duration.ofMinutes(5);
  private static final DeliveryOptions REPLY = LedgerCodecs.options(LedgerCodecs.APPEND_RESULT);
  /** The answer to an append whose batch failed before it could commit, or that the server refused: it rolled back. */
  static final String NOT_WRITTEN = "the ledger could not record this; nothing was written";
  /**
   * The answer to an append whose batch failed after its COMMIT was sent, without the server's answer (the
   * connection lost, say): it may have been recorded. A capital flow repeated with its Idempotency-Key gets the outcome.
   */
  static final String OUTCOME_UNKNOWN = "the ledger could not confirm this: it may or may not have been recorded; "
      + "repeat it with the same Idempotency-Key to learn which";

  private final TenantScope db;
  private final Checkpoints checkpoints;
  private final Duration checkpointEvery;
  /** The loop this instance serves, or -1 for all of them. */
  private final int loop;
  private final Set<UUID> movedSinceCheckpoint = new HashSet<>();
  private ChainWriters writers;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private long timer = -1;
  private long forgetTimer = -1;

  /** One writer serving every ledger loop's address (a single instance holds every chain). */
  public LedgerVerticle(TenantScope db, Checkpoints checkpoints, Duration checkpointEvery) {
    this(db, checkpoints, checkpointEvery, -1);
  }

  private LedgerVerticle(TenantScope db, Checkpoints checkpoints, Duration checkpointEvery, int loop) {
    this.db = db;
    this.checkpoints = checkpoints;
    this.checkpointEvery = checkpointEvery;
    this.loop = loop;
  }

  /**
   * Deploys the node's ledger: {@link LedgerAddresses#LOOPS} instances, instance {@code i} serving
   * loop {@code i} only; answers the deployment id.
   */
  public static Future<String> deploy(Vertx vertx, TenantScope db, Checkpoints checkpoints, Duration checkpointEvery) {
    AtomicInteger next = new AtomicInteger();
    return vertx.deployVerticle(() -> new LedgerVerticle(db, checkpoints, checkpointEvery, next.getAndIncrement()),
        new DeploymentOptions().setInstances(LedgerAddresses.LOOPS));
  }

  @Override
  public Future<?> start() {
    LedgerCodecs.register(vertx);
    writers = new ChainWriters(new LedgerStore(db), MAX_BATCH, PIPELINE_DEPTH, plan -> {
      if (!plan.entries().isEmpty()) {
        UUID tenant = plan.entries().get(0).tenantId();
        movedSinceCheckpoint.add(tenant);
        vertx.eventBus().publish(LedgerAddresses.HEAD_ADVANCED,
            new JsonObject().put("tenantId", tenant.toString()).put("seq", plan.headSeq()));
      }
    });
    for (int i = 0; i < LedgerAddresses.LOOPS; i++) {
      if (loop < 0 || loop == i) {
        consumers.add(vertx.eventBus().localConsumer(LedgerAddresses.appendLoop(i), this::append));
      }
    }
    timer = vertx.setPeriodic(checkpointEvery.toMillis(), id -> signMovedChains());
    forgetTimer = vertx.setPeriodic(FORGET_IDLE_CHAINS_EVERY.toMillis(), id -> writers.forgetIdle());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(forgetTimer);
    return signMovedChains();
  }

  private void append(Message<Object> message) {
    PreparedAppend request;
    boolean asRecord = !(message.body() instanceof JsonObject);
    try {
      request = message.body() instanceof PreparedAppend p ? p
          : PreparedAppend.of(asRecord ? (AppendRequest) message.body() : AppendRequest.fromJson((JsonObject) message.body()));
    } catch (RuntimeException e) {
      message.fail(ErrorCode.BAD_REQUEST.replyCode(), "malformed ledger append");
      return;
    }
    writers.submit(request)
        .onSuccess(result -> {
          if (asRecord) {
            message.reply(result, REPLY);
          } else {
            message.reply(result.toJson());
          }
        })
        .onFailure(e -> {
          if (e instanceof KeywayException k) {
            message.fail(k.code().replyCode(), k.getMessage());
          } else {
            LOG.error("Ledger append failed for tenant {}", request.request.tenantId(), e);
            message.fail(ErrorCode.UNAVAILABLE.replyCode(), LedgerStore.outcomeUnknown(e) ? OUTCOME_UNKNOWN : NOT_WRITTEN);
          }
        });
  }

  private Future<Void> signMovedChains() {
    Set<UUID> tenants = Set.copyOf(movedSinceCheckpoint);
    movedSinceCheckpoint.clear();
    return Future.all(tenants.stream().map(t -> checkpoints.signNow(t)
            .onFailure(e -> {
              LOG.warn("Could not sign the ledger head of tenant {}: {}", t, e.getMessage());
              movedSinceCheckpoint.add(t);
            })
            .recover(e -> Future.succeededFuture()))
        .toList()).mapEmpty();
  }
}

package io.keyway.ledger;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's writer on this node: takes appends from the event bus, writes them with group commit
 * ({@link ChainWriters}), answers each once durable, and signs the head of every chain that moved
 * at a fixed interval. Deploy one instance per node.
 */
public final class LedgerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerticle.class);
  /** Most appends written in one transaction. */
  public static final int MAX_BATCH = 1000;
  /** Batches of one chain in flight at once: one committing while the next is planned and sent. */
  public static final int PIPELINE_DEPTH = 2;
  private static final DeliveryOptions REPLY = LedgerCodecs.options(LedgerCodecs.APPEND_RESULT);

  private final TenantScope db;
  private final Checkpoints checkpoints;
  private final Duration checkpointEvery;
  private final Set<UUID> movedSinceCheckpoint = new HashSet<>();
  private ChainWriters writers;
  private MessageConsumer<Object> consumer;
  private long timer = -1;

  public LedgerVerticle(TenantScope db, Checkpoints checkpoints, Duration checkpointEvery) {
    this.db = db;
    this.checkpoints = checkpoints;
    this.checkpointEvery = checkpointEvery;
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
    consumer = vertx.eventBus().localConsumer(LedgerAddresses.APPEND, this::append);
    timer = vertx.setPeriodic(checkpointEvery.toMillis(), id -> signMovedChains());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return signMovedChains();
  }

  private void append(Message<Object> message) {
    AppendRequest request;
    boolean asRecord = message.body() instanceof AppendRequest;
    try {
      request = asRecord ? (AppendRequest) message.body() : AppendRequest.fromJson((JsonObject) message.body());
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
            LOG.error("Ledger append failed for tenant {}", request.tenantId(), e);
            message.fail(ErrorCode.UNAVAILABLE.replyCode(), "the ledger could not record this; nothing was written");
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

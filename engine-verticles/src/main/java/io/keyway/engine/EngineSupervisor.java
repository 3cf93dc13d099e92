package io.keyway.engine;

import io.keyway.engine.placement.Lease;
import io.keyway.engine.placement.LeaseStore;
import io.keyway.engine.placement.PlacementLoop;
import io.keyway.engine.placement.PlacementVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link AccountEngine} for each account this node holds the lease of: placement
 * ({@link PlacementVerticle}) decides which, across the cluster, and starts and stops engines here
 * as leases are won, lost and handed over. A halted engine stays deployed but idle, so that resuming
 * is immediate and its commands always have a handler.
 */
public final class EngineSupervisor extends VerticleBase implements PlacementLoop.Engines {
  private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);
  private final EngineContext ctx;
  /** Touched by this verticle (account changes) and by placement rounds, on their own event loops. */
  private final Map<UUID, Future<String>> engines = new java.util.concurrent.ConcurrentHashMap<>();
  private final LedgerHeads heads = new LedgerHeads();
  private final PlacementLoop placement;
  private final Duration round;
  private EquityRecorder equity;
  private long flushTimer = -1;

  /**
   * @param leases the lease table every node shares
   * @param nodeId this node's name in placement
   * @param round how often placement beats, renews and rebalances
   */
  public EngineSupervisor(EngineContext ctx, LeaseStore leases, String nodeId, Duration round) {
    this.ctx = ctx;
    this.round = round;
    this.placement = new PlacementLoop(nodeId, leases, () -> ctx.accounts().everywhere(), this);
  }

  /** This node's placement: the accounts it owns, the live nodes it sees. */
  public PlacementLoop placement() {
    return placement;
  }

  @Override
  public Future<?> start() {
    equity = new EquityRecorder(ctx.orders());
    flushTimer = vertx.setPeriodic(1000, id -> equity.flush());
    var changes = vertx.eventBus().<JsonObject>consumer(EngineAddresses.ACCOUNT_CHANGED, m ->
        changed(UUID.fromString(m.body().getString("tenantId")), UUID.fromString(m.body().getString("accountId"))));
    return changes.completion()
        .compose(x -> heads.follow(vertx))
        // placement is a child deployment: undeploying the supervisor leaves the cluster cleanly
        .compose(x -> vertx.deployVerticle(new PlacementVerticle(placement, round)))
        .onSuccess(x -> LOG.info("Placement as {}: {} account engine(s) running here", placement.nodeId(),
            engines.size()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    return heads.stop().compose(x -> equity.flush());
  }

  /** A running engine reloads its changed account; a new account is placed by the next round. */
  private void changed(UUID tenantId, UUID accountId) {
    Future<String> running = engines.get(accountId);
    if (running != null) {
      running.onSuccess(x -> vertx.eventBus().send(EngineAddresses.command(accountId),
          new JsonObject().put("op", "reload")));
    }
  }

  @Override
  public Future<Void> start(UUID tenantId, Lease lease) {
    UUID accountId = lease.accountId();
    return engines.computeIfAbsent(accountId, id -> vertx.deployVerticle(new AccountEngine(ctx,
                new AccountEngine.Shared(heads, equity), tenantId, accountId, placement.fence(accountId, lease.epoch())))
            .onFailure(e -> engines.remove(accountId)))
        .mapEmpty();
  }

  @Override
  public Future<Void> stop(UUID accountId) {
    Future<String> running = engines.remove(accountId);
    if (running == null) {
      return Future.succeededFuture();
    }
    return running.compose(vertx::undeploy).recover(e -> Future.succeededFuture())
        .compose(x -> equity.flush());
  }

}

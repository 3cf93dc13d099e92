package io.keyway.engine;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link AccountEngine} per account on this node: every account found at start, and each
 * new one as it is announced. A halted engine stays deployed but idle, so that resuming is
 * immediate and its commands always have a handler.
 */
public final class EngineSupervisor extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);
  private final EngineContext ctx;
  private final Map<UUID, Future<String>> engines = new HashMap<>();
  private final LedgerHeads heads = new LedgerHeads();
  private EquityRecorder equity;
  private long flushTimer = -1;

  public EngineSupervisor(EngineContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    equity = new EquityRecorder(ctx.orders());
    flushTimer = vertx.setPeriodic(1000, id -> equity.flush());
    var changes = vertx.eventBus().<JsonObject>localConsumer(EngineAddresses.ACCOUNT_CHANGED, m ->
        changed(UUID.fromString(m.body().getString("tenantId")), UUID.fromString(m.body().getString("accountId"))));
    return changes.completion()
        .compose(x -> heads.follow(vertx))
        .compose(x -> ctx.accounts().everywhere())
        .compose(all -> Future.all(all.stream().map(a -> ensure(a.tenantId(), a.accountId())).toList()))
        .onSuccess(x -> LOG.info("{} account engine(s) running", engines.size()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    return heads.stop().compose(x -> equity.flush());
  }

  /** A new account gets its engine; a running engine reloads its changed account. */
  private void changed(UUID tenantId, UUID accountId) {
    if (engines.containsKey(accountId)) {
      engines.get(accountId).onSuccess(x -> vertx.eventBus().send(EngineAddresses.command(accountId),
          new JsonObject().put("op", "reload")));
    } else {
      ensure(tenantId, accountId);
    }
  }

  /** Deploys the engine of an account unless it runs already. */
  public Future<String> ensure(UUID tenantId, UUID accountId) {
    return engines.computeIfAbsent(accountId, id -> vertx.deployVerticle(
            new AccountEngine(ctx, new AccountEngine.Shared(heads, equity), tenantId, accountId))
        .onFailure(e -> {
          LOG.error("The engine of account {} did not start: {}", accountId, e.getMessage());
          engines.remove(accountId);
        }));
  }

}

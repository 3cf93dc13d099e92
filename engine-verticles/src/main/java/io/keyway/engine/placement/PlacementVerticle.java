package io.keyway.engine.placement;

import io.keyway.engine.EngineAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/**
 * Runs this node's {@link PlacementLoop} on a timer, one round at a time, and at once when an
 * account is created or changed anywhere in the cluster (the loop then places that account only).
 * On undeploy it leaves cleanly, so its accounts move without waiting for their leases to run out.
 */
public final class PlacementVerticle extends VerticleBase {
  private final PlacementLoop loop;
  private final Duration interval;
  private long timer = -1;
  private boolean running;
  private boolean again;
  private MessageConsumer<JsonObject> changes;

  public PlacementVerticle(PlacementLoop loop, Duration interval) {
    this.loop = loop;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    // cluster-wide: an account created or changed through any node is placed (or reloaded) here
    changes = vertx.eventBus().consumer(EngineAddresses.ACCOUNT_CHANGED, m -> {
      loop.accountChanged(UUID.fromString(m.body().getString("tenantId")),
          UUID.fromString(m.body().getString("accountId")));
      kick();
    });
    return changes.completion().compose(x -> loop.round()).onSuccess(x ->
        timer = vertx.setPeriodic(interval.toMillis(), id -> kick()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return changes.unregister().compose(x -> loop.leave());
  }

  public PlacementLoop loop() {
    return loop;
  }

  /** Runs a round now, or right after the one in progress. */
  private void kick() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    loop.round().onComplete(x -> {
      running = false;
      if (again) {
        again = false;
        kick();
      }
    });
  }
}

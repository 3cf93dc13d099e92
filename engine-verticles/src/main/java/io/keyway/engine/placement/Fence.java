package io.keyway.engine.placement;

import io.vertx.core.Future;

/**
 * The check an engine passes before every venue submission: this node still holds the account's
 * lease, by its own clock and in the database, at the epoch it started with. A failed check means
 * another node may be trading the account: the order stays pending and is not sent from here.
 */
@FunctionalInterface
public interface Fence {
  Future<Void> check();
}

package io.keyway.engine;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another in submission order, so two orders of one account never
 * race even though each task waits on the database and the venue. Confined to one event loop.
 */
public final class SerialQueue {
  private Future<?> last = Future.succeededFuture();

  public <T> Future<T> submit(Supplier<Future<T>> task) {
    Future<T> next = last.transform(x -> task.get());
    last = next;
    return next;
  }
}

package io.keyway.bench;

import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocks the calling (non-Vert.x) thread on a future, with a limit. */
final class Await {
  private Await() {}

  static <T> T result(Future<T> future, Duration limit) throws InterruptedException, TimeoutException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** For {@code close()}: waits for a stop, reporting interruption and timeout as I/O failures. */
  static void stopped(Future<?> stopping, Duration limit, String what) throws IOException {
    try {
      result(stopping, limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping " + what, e);
    } catch (TimeoutException e) {
      throw new IOException(what + " did not stop within " + limit.toSeconds() + " s", e);
    }
  }
}

package io.keyway.gateway.identity;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/**
 * The bounded pool password hashing runs on: as many threads as cores, and at most {@code
 * queueLimit} hashes admitted at once. Beyond that a login answers 503 at once instead of queueing
 * without end, so a burst of logins neither stalls an event loop nor grows memory.
 */
public final class PasswordWorkers implements AutoCloseable {
  private final WorkerExecutor executor;
  private final Semaphore admitted;
  private final PasswordHasher hasher;

  public PasswordWorkers(Vertx vertx, PasswordHasher hasher, int queueLimit) {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.executor = vertx.createSharedWorkerExecutor("keyway-password-hashing", threads);
    this.admitted = new Semaphore(queueLimit);
    this.hasher = hasher;
  }

  public Future<String> hash(String password) {
    return run(() -> hasher.hash(password));
  }

  public Future<Boolean> verify(String password, String phc) {
    return run(() -> hasher.verify(password, phc));
  }

  private <T> Future<T> run(Callable<T> work) {
    if (!admitted.tryAcquire()) {
      return Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE,
          "too many sign-ins at once; try again in a moment"));
    }
    return executor.executeBlocking(work, false).andThen(done -> admitted.release());
  }

  @Override
  public void close() {
    executor.close();
  }
}

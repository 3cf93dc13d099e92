package io.keyway.gateway.publicapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.MovableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TtlCacheTest {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  @Test
  @DisplayName("callers arriving while an answer is computed share it; after the TTL it is computed again; a failure is not kept")
  void oneComputationPerTtl() throws Exception {
    MovableClock clock = new MovableClock();
    TtlCache<String> cache = new TtlCache<>(clock, Duration.ofSeconds(30));
    AtomicInteger runs = new AtomicInteger();
    Promise<String> slow = Promise.promise();
    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      waiting.add(cache.get("k", () -> {
        runs.incrementAndGet();
        return slow.future();
      }, VERTX.getOrCreateContext()));
    }
    assertThat(runs).hasValue(1);
    slow.complete("answer");
    for (Future<String> f : waiting) {
      assertThat(f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("answer");
    }
    clock.advance(Duration.ofSeconds(29));
    cache.get("k", () -> Future.succeededFuture("newer"), VERTX.getOrCreateContext());
    assertThat(cache.computations()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.<String>get("k", () -> Future.succeededFuture("newer"), VERTX.getOrCreateContext())
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("newer");
    assertThat(cache.computations()).isEqualTo(2);

    cache.get("bad", () -> Future.failedFuture(new IllegalStateException("down")), VERTX.getOrCreateContext());
    assertThat(cache.<String>get("bad", () -> Future.succeededFuture("up"), VERTX.getOrCreateContext())
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("up");
  }

  @Test
  @DisplayName("keys never asked again are swept out once their TTL has passed, by the next call, without a caller asking")
  void sweepsExpired() {
    MovableClock clock = new MovableClock();
    TtlCache<String> cache = new TtlCache<>(clock, Duration.ofSeconds(30));
    for (int i = 0; i < 10; i++) {
      cache.get("once-" + i, () -> Future.succeededFuture("x"), VERTX.getOrCreateContext());
    }
    assertThat(cache.size()).isEqualTo(10);
    clock.advance(Duration.ofSeconds(29));
    cache.get("kept", () -> Future.succeededFuture("x"), VERTX.getOrCreateContext());
    assertThat(cache.size()).isEqualTo(11); // nothing expired yet
    clock.advance(Duration.ofSeconds(2));
    cache.get("kept", () -> Future.succeededFuture("x"), VERTX.getOrCreateContext());
    assertThat(cache.size()).isEqualTo(1); // the ten are gone; "kept" (2 s old) stays
  }
}

package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The throttle's window and keys against a real PostgreSQL, with a clock the test moves. */
class LoginThrottleTest {
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void database() {
    vertx = Vertx.vertx();
    pool = TestPostgres.freshDatabase().appPool(vertx);
  }

  @AfterAll
  static void close() throws Exception {
    get(pool.close());
    get(vertx.close());
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @Test
  @DisplayName("an email is throttled after too many failures and released when they leave the window")
  void perEmail() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = new LoginThrottle(pool, clock, Duration.ofMinutes(15), 3, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(get(t.retryAfter("a@x.test", "10.0.0." + i))).isEmpty();
      get(t.failed("a@x.test", "10.0.0." + i));
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(get(t.retryAfter("A@X.test", "10.9.9.9"))).hasValue(Duration.ofMinutes(12));
    assertThat(get(t.retryAfter("b@x.test", "10.9.9.9"))).isEmpty();
    clock.advance(Duration.ofMinutes(12));
    assertThat(get(t.retryAfter("a@x.test", "10.9.9.9"))).isEmpty();
  }

  @Test
  @DisplayName("an address is throttled across emails, and a success clears only the email")
  void perAddress() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = new LoginThrottle(pool, clock, Duration.ofMinutes(15), 100, 3);
    for (int i = 0; i < 3; i++) {
      get(t.failed("user" + i + "@y.test", "10.1.0.1"));
    }
    assertThat(get(t.retryAfter("fresh@y.test", "10.1.0.1"))).isPresent();
    assertThat(get(t.retryAfter("fresh@y.test", "10.1.0.2"))).isEmpty();
    get(t.succeeded("user0@y.test"));
    assertThat(get(t.retryAfter("fresh@y.test", "10.1.0.1"))).isPresent();
  }

  @Test
  @DisplayName("two throttles on one database (two nodes) count together; a success on one clears the email on both")
  void sharedByNodes() {
    MovableClock clock = new MovableClock();
    LoginThrottle a = new LoginThrottle(pool, clock, Duration.ofMinutes(15), 4, 100);
    LoginThrottle b = new LoginThrottle(pool, clock, Duration.ofMinutes(15), 4, 100);
    for (int i = 0; i < 4; i++) {
      assertThat(get((i % 2 == 0 ? a : b).retryAfter("both@z.test", "10.2.0." + i))).isEmpty();
      get((i % 2 == 0 ? a : b).failed("both@z.test", "10.2.0." + i));
    }
    assertThat(get(a.retryAfter("both@z.test", "10.2.9.9"))).hasValue(Duration.ofMinutes(15));
    assertThat(get(b.retryAfter("both@z.test", "10.2.9.9"))).hasValue(Duration.ofMinutes(15));
    get(a.succeeded("both@z.test"));
    assertThat(get(b.retryAfter("both@z.test", "10.2.9.9"))).isEmpty();
  }

  @Test
  @DisplayName("once a key's failures have left the window, its next failure forgets them")
  void oldFailuresAreForgotten() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = new LoginThrottle(pool, clock, Duration.ofMinutes(15), 2, 100);
    get(t.failed("old@w.test", "10.3.0.1"));
    get(t.failed("old@w.test", "10.3.0.1"));
    assertThat(get(t.retryAfter("old@w.test", "10.3.0.2"))).isPresent();
    clock.advance(Duration.ofMinutes(16));
    assertThat(get(t.retryAfter("old@w.test", "10.3.0.2"))).isEmpty();
    get(t.failed("old@w.test", "10.3.0.1"));
    assertThat(get(t.retryAfter("old@w.test", "10.3.0.2"))).as("one failure in the window, under the limit of 2")
        .isEmpty();
  }

  @Test
  @DisplayName("a database that cannot be asked refuses the sign-in as unavailable, never lets it through")
  void unavailableIsNotAPass() {
    Pool closed = TestPostgres.freshDatabase().appPool(vertx);
    get(closed.close());
    LoginThrottle t = new LoginThrottle(closed, new MovableClock(), Duration.ofMinutes(15), 2, 100);
    Future<Optional<Duration>> wait = t.retryAfter("any@v.test", "10.4.0.1");
    assertThat(wait.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(io.keyway.errors.KeywayException.class)
        .satisfies(e -> assertThat(((io.keyway.errors.KeywayException) e).code())
            .isEqualTo(io.keyway.errors.ErrorCode.UNAVAILABLE));
  }
}

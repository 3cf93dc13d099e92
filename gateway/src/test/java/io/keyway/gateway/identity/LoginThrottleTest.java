package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.MovableClock;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The throttle's window and keys against a real PostgreSQL, with a clock the test moves; each test its own emails. */
class LoginThrottleTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static Vertx vertx;
  private static TestPostgres.TestDatabase db;
  private static Pool pool;

  @BeforeAll
  static void database() {
    vertx = Vertx.vertx();
    db = TestPostgres.freshDatabase();
    pool = db.appPool(vertx);
  }

  @AfterAll
  static void close() {
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

  private static LoginThrottle throttle(Clock clock, int perEmail, int perAddress) {
    return new LoginThrottle(pool, clock, TestPostgres.MASTER_KEY, WINDOW, perEmail, perAddress);
  }

  /** Empty when the attempt was admitted (and so counted as a failure), else the wait its refusal gave. */
  private static Optional<Duration> refusal(Future<UUID> admitted) {
    try {
      admitted.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KeywayException k && k.code() == ErrorCode.RATE_LIMITED) {
        return k.retryAfter();
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An attempt admitted and then found wrong: empty when it was admitted, else the wait its refusal gave. */
  private static Optional<Duration> fail(LoginThrottle t, String email, String address) {
    Future<UUID> admitted = t.admitEmail(email, address, "no");
    Optional<Duration> refused = refusal(admitted);
    if (refused.isEmpty()) {
      get(t.failed(admitted.result()));
    }
    return refused;
  }

  private static long storedRows(LoginThrottle t, String email) throws Exception {
    try (Connection c = DatabaseBootstrap.connect(db.admin());
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM identity.login_failures WHERE key = ?")) {
      s.setBytes(1, t.emailKey(email).getBytes());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  @DisplayName("an email is refused after too many failures and admitted again when they leave the window")
  void perEmail() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = throttle(clock, 3, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(fail(t, "a@x.test", "10.0.0." + i)).isEmpty();
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(refusal(t.admitEmail("A@X.test", "10.9.9.9", "no"))).hasValue(Duration.ofMinutes(12));
    assertThat(refusal(t.admitEmail("b@x.test", "10.9.9.9", "no"))).isEmpty();
    clock.advance(Duration.ofMinutes(12));
    assertThat(refusal(t.admitEmail("a@x.test", "10.9.9.9", "no"))).isEmpty();
  }

  @Test
  @DisplayName("past a lowered limit the wait runs until enough of the failures have left the window")
  void moreFailuresThanTheLimit() {
    MovableClock clock = new MovableClock();
    LoginThrottle lenient = throttle(clock, 3, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(fail(lenient, "many@x.test", "10.5.0.1")).isEmpty();
      clock.advance(Duration.ofMinutes(1));
    }
    // three failures at 0, 1 and 2 minutes; with a limit of 2 the second must leave the window: at 16 minutes
    assertThat(refusal(throttle(clock, 2, 100).admitEmail("many@x.test", "10.5.0.2", "no")))
        .hasValue(Duration.ofMinutes(13));
  }

  @Test
  @DisplayName("an address is refused across emails; a success takes its attempt back and clears only its email")
  void perAddress() throws Exception {
    MovableClock clock = new MovableClock();
    LoginThrottle t = throttle(clock, 100, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(fail(t, "user" + i + "@y.test", "10.1.0.1")).isEmpty();
    }
    assertThat(refusal(t.admitEmail("fresh@y.test", "10.1.0.1", "no"))).isPresent();
    UUID good = get(t.admitEmail("user0@y.test", "10.1.0.2", "no"));
    assertThat(storedRows(t, "user0@y.test")).isEqualTo(2);
    get(t.succeededEmail("user0@y.test", good));
    assertThat(storedRows(t, "user0@y.test")).as("the email's failures, the earlier one too").isZero();
    assertThat(refusal(t.admitEmail("fresh@y.test", "10.1.0.1", "no"))).as("the address keeps its three").isPresent();
    // the successful attempt does not count against its own address: three more are admitted there, not two
    for (int i = 1; i <= 3; i++) {
      assertThat(fail(t, "other" + i + "@y.test", "10.1.0.2")).isEmpty();
    }
    assertThat(refusal(t.admitEmail("other4@y.test", "10.1.0.2", "no"))).isPresent();
  }

  @Test
  @DisplayName("an email's attempt in progress holds its place; ended without a verdict, it is taken back")
  void undecidedIsNoFailure() throws Exception {
    LoginThrottle t = throttle(new MovableClock(), 1, 100);
    UUID attempt = get(t.admitEmail("und@u.test", "10.6.0.1", "no"));
    assertThat(refusal(t.admitEmail("und@u.test", "10.6.0.1", "no"))).as("pending alone: come back in a second")
        .hasValue(Duration.ofSeconds(1));
    get(t.undecided(attempt));
    assertThat(storedRows(t, "und@u.test")).isZero();
    assertThat(refusal(t.admitEmail("und@u.test", "10.6.0.1", "no"))).isEmpty();
  }

  @Test
  @DisplayName("an attempt never settled (its node gone) stops holding its email's place after a minute")
  void unsettledAttemptsExpire() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = throttle(clock, 1, 100);
    assertThat(refusal(t.admitEmail("lost@l.test", "10.9.0.1", "no"))).isEmpty();
    assertThat(refusal(t.admitEmail("lost@l.test", "10.9.0.1", "no"))).hasValue(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(61));
    assertThat(refusal(t.admitEmail("lost@l.test", "10.9.0.1", "no"))).isEmpty();
  }

  @Test
  @DisplayName("a password change has a key of its own: sign-ins naming the user's id as their email do not block it")
  void userKeysAreNotEmailKeys() {
    LoginThrottle t = throttle(new MovableClock(), 2, 100);
    UUID user = UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      assertThat(fail(t, user.toString(), "10.9.1." + i)).isEmpty();
    }
    assertThat(refusal(t.admitEmail(user.toString(), "10.9.1.9", "no"))).isPresent();
    assertThat(refusal(t.admitUser(user, "10.9.1.9", "no"))).isEmpty();
    assertThat(t.userKey(user).getBytes()).isNotEqualTo(t.emailKey(user.toString()).getBytes());
  }

  @Test
  @DisplayName("two throttles on one database (two nodes) count together; a success on one clears the email on both")
  void sharedByNodes() {
    MovableClock clock = new MovableClock();
    LoginThrottle a = throttle(clock, 4, 100);
    LoginThrottle b = throttle(clock, 4, 100);
    for (int i = 0; i < 4; i++) {
      assertThat(fail(i % 2 == 0 ? a : b, "both@z.test", "10.2.0." + i)).isEmpty();
    }
    assertThat(refusal(a.admitEmail("both@z.test", "10.2.9.9", "no"))).hasValue(WINDOW);
    assertThat(refusal(b.admitEmail("both@z.test", "10.2.9.9", "no"))).hasValue(WINDOW);

    for (int i = 0; i < 3; i++) {
      assertThat(fail(i % 2 == 0 ? a : b, "clear@z.test", "10.2.1." + i)).isEmpty();
    }
    UUID good = get(a.admitEmail("clear@z.test", "10.2.1.9", "no"));
    get(a.succeededEmail("clear@z.test", good));
    for (int i = 0; i < 4; i++) {
      assertThat(fail(b, "clear@z.test", "10.2.2." + i)).as("cleared on the other node").isEmpty();
    }
  }

  @Test
  @DisplayName("attempts sent at once on two nodes are admitted up to the limit and no further")
  void concurrentAttemptsStopAtTheLimit() {
    LoginThrottle a = throttle(Clock.systemUTC(), 3, 1000);
    LoginThrottle b = throttle(Clock.systemUTC(), 3, 1000);
    List<Future<UUID>> sent = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sent.add((i % 2 == 0 ? a : b).admitEmail("burst@c.test", "10.7.0." + i, "no"));
    }
    List<Optional<Duration>> answers = sent.stream().map(LoginThrottleTest::refusal).toList();
    assertThat(answers).filteredOn(Optional::isEmpty).hasSize(3);
    assertThat(answers).filteredOn(Optional::isPresent).hasSize(9);
  }

  @Test
  @DisplayName("sign-ins in progress from one address (a NAT) do not count against it; its decided failures do")
  void pendingAttemptsDoNotBlockAnAddress() {
    LoginThrottle t = throttle(new MovableClock(), 5, 3);
    for (int i = 0; i < 40; i++) {
      assertThat(refusal(t.admitEmail("nat" + i + "@n.test", "10.8.0.1", "no"))).as("attempt %d", i).isEmpty();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(fail(t, "natbad" + i + "@n.test", "10.8.0.1")).isEmpty();
    }
    assertThat(refusal(t.admitEmail("natlate@n.test", "10.8.0.1", "no"))).hasValue(WINDOW);
  }

  @Test
  @DisplayName("once a key's failures have left the window, its next failure deletes them")
  void oldFailuresAreForgotten() throws Exception {
    MovableClock clock = new MovableClock();
    LoginThrottle t = throttle(clock, 2, 100);
    assertThat(fail(t, "old@w.test", "10.3.0.1")).isEmpty();
    assertThat(fail(t, "old@w.test", "10.3.0.1")).isEmpty();
    assertThat(refusal(t.admitEmail("old@w.test", "10.3.0.2", "no"))).isPresent();
    assertThat(storedRows(t, "old@w.test")).isEqualTo(2);
    clock.advance(Duration.ofMinutes(16));
    assertThat(refusal(t.admitEmail("old@w.test", "10.3.0.2", "no"))).isEmpty();
    assertThat(storedRows(t, "old@w.test")).as("the two old ones gone, the new one kept").isEqualTo(1);
  }

  @Test
  @DisplayName("keys are HMACs under the master key: another master key makes other keys")
  void keysDependOnTheMasterKey() {
    LoginThrottle t = throttle(Clock.systemUTC(), 3, 3);
    LoginThrottle other = new LoginThrottle(pool, Clock.systemUTC(),
        new io.keyway.config.SecretBytes(new byte[32]), WINDOW, 3, 3);
    assertThat(t.emailKey("k@k.test").getBytes()).hasSize(32)
        .isEqualTo(t.emailKey("K@K.test").getBytes())
        .isNotEqualTo(other.emailKey("k@k.test").getBytes())
        .isNotEqualTo(t.addressKey("k@k.test").getBytes());
  }

  @Test
  @DisplayName("a database that cannot be asked refuses the attempt as unavailable, never lets it through")
  void unavailableIsNotAPass() {
    Pool closed = TestPostgres.freshDatabase().appPool(vertx);
    get(closed.close());
    LoginThrottle t = new LoginThrottle(closed, new MovableClock(), TestPostgres.MASTER_KEY, WINDOW, 2, 100);
    assertThat(t.admitEmail("any@v.test", "10.4.0.1", "no").toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(KeywayException.class)
        .satisfies(e -> assertThat(((KeywayException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }
}

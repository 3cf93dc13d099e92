package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
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
    LoginThrottle t = new LoginThrottle(clock, Duration.ofMinutes(15), 3, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(t.retryAfter("a@x.test", "10.0.0." + i)).isEmpty();
      t.failed("a@x.test", "10.0.0." + i);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(t.retryAfter("A@X.test", "10.9.9.9")).hasValue(Duration.ofMinutes(12));
    assertThat(t.retryAfter("b@x.test", "10.9.9.9")).isEmpty();
    clock.advance(Duration.ofMinutes(12));
    assertThat(t.retryAfter("a@x.test", "10.9.9.9")).isEmpty();
  }

  @Test
  @DisplayName("an address is throttled across emails, and a success clears only the email")
  void perAddress() {
    MovableClock clock = new MovableClock();
    LoginThrottle t = new LoginThrottle(clock, Duration.ofMinutes(15), 100, 3);
    for (int i = 0; i < 3; i++) {
      t.failed("user" + i + "@x.test", "10.0.0.1");
    }
    assertThat(t.retryAfter("fresh@x.test", "10.0.0.1")).isPresent();
    assertThat(t.retryAfter("fresh@x.test", "10.0.0.2")).isEmpty();
    t.succeeded("user0@x.test");
    assertThat(t.retryAfter("fresh@x.test", "10.0.0.1")).isPresent();
  }
}

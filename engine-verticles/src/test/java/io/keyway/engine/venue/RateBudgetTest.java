package io.keyway.engine.venue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateBudgetTest {
  private static final class Manual extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId z) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  @DisplayName("a bucket of 200 a minute admits 200 at once, then one every 300 ms")
  void tokenBucket() {
    Manual clock = new Manual();
    RateBudget b = new RateBudget(clock, 200);
    for (int i = 0; i < 200; i++) {
      assertThat(b.tryTake()).as("request " + i).isEmpty();
    }
    assertThat(b.tryTake()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(299), Duration.ofMillis(301)));
    clock.now = clock.now.plusMillis(300);
    assertThat(b.tryTake()).isEmpty();
    assertThat(b.tryTake()).isPresent();
  }

  @Test
  @DisplayName("a venue's Retry-After closes the bucket until it has passed")
  void backOff() {
    Manual clock = new Manual();
    RateBudget b = new RateBudget(clock, 200);
    b.backOff(Duration.ofSeconds(7));
    assertThat(b.tryTake()).hasValue(Duration.ofSeconds(7));
    clock.now = clock.now.plusSeconds(7);
    assertThat(b.tryTake()).as("refilled while closed").isEmpty();
  }
}

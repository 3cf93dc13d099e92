package io.keyway.engine.venue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-01-02T15:04:05Z");
  private static final Duration FALLBACK = Duration.ofSeconds(1);

  @Test
  @DisplayName("Retry-After in seconds or as an HTTP-date; a date already past is no wait at all")
  void retryAfter() {
    assertThat(RetryAfter.parse(" 30 ", null, NOW, FALLBACK)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("0", null, NOW, FALLBACK)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Fri, 02 Jan 2026 15:05:05 GMT", null, NOW, FALLBACK)).isEqualTo(Duration.ofMinutes(1));
    assertThat(RetryAfter.parse("Fri, 02 Jan 2026 15:00:00 GMT", null, NOW, FALLBACK)).isEqualTo(Duration.ZERO);
  }

  @Test
  @DisplayName("without Retry-After, Alpaca's X-RateLimit-Reset (epoch seconds) says when; without either, the fallback")
  void rateLimitReset() {
    String inFive = Long.toString(NOW.getEpochSecond() + 5);
    assertThat(RetryAfter.parse(null, inFive, NOW, FALLBACK)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryAfter.parse("2", inFive, NOW, FALLBACK)).as("Retry-After wins").isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryAfter.parse(null, null, NOW, FALLBACK)).isEqualTo(FALLBACK);
  }

  @Test
  @DisplayName("garbage, negative or absurdly long values fall back rather than fail or overflow")
  void garbage() {
    assertThat(RetryAfter.parse("soon", null, NOW, FALLBACK)).isEqualTo(FALLBACK);
    assertThat(RetryAfter.parse("-5", null, NOW, FALLBACK)).isEqualTo(FALLBACK);
    assertThat(RetryAfter.parse("99999999999999999999999", null, NOW, FALLBACK)).isEqualTo(FALLBACK);
    assertThat(RetryAfter.parse(null, "tomorrow", NOW, FALLBACK)).isEqualTo(FALLBACK);
  }
}

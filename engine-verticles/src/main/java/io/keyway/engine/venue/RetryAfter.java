package io.keyway.engine.venue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long a venue asked us to stay away: {@code Retry-After} as delta-seconds or as an HTTP-date
 * (RFC 9110 §10.2.3), else Alpaca's {@code X-RateLimit-Reset} (epoch seconds), else a fallback. A
 * time already past means "now", never a negative wait.
 */
final class RetryAfter {
  /** Twelve digits of seconds is over 30,000 years: anything longer is garbage, not a wait. */
  private static final int MAX_DIGITS = 12;

  private RetryAfter() {}

  static Duration parse(String retryAfter, String rateLimitReset, Instant now, Duration fallback) {
    String value = retryAfter == null ? "" : retryAfter.trim();
    if (digits(value)) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    if (!value.isEmpty()) {
      try {
        return untilOrZero(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException unreadable) {
        return fallback;
      }
    }
    String reset = rateLimitReset == null ? "" : rateLimitReset.trim();
    return digits(reset) ? untilOrZero(now, Instant.ofEpochSecond(Long.parseLong(reset))) : fallback;
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.length() <= MAX_DIGITS && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Duration untilOrZero(Instant now, Instant at) {
    Duration d = Duration.between(now, at);
    return d.isNegative() ? Duration.ZERO : d;
  }
}

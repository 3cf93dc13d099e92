package io.keyway.engine.venue;

import java.time.Duration;
import java.util.Optional;

/** A venue's refusal or failure, classified by what the engine should do about it. */
public final class VenueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, from the engine's point of view. */
  public enum Kind {
    /** 401/403: the credential is wrong or lacks permission; retrying will not help. */
    AUTH,
    /** 422 or similar: the venue refused this order; retrying the same order will not help. */
    REJECTED,
    /** 404: no such order at the venue. */
    NOT_FOUND,
    /** 429: slow down; retry after {@link #retryAfter()}. */
    RATE_LIMITED,
    /** 5xx, timeouts, connection failures: retry later with the same client order id. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final Duration retryAfter;

  public VenueException(Kind kind, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True when the same request may be sent again later. */
  public boolean retryable() {
    return kind == Kind.RATE_LIMITED || kind == Kind.UNAVAILABLE;
  }
}

package io.keyway.errors;

import java.time.Duration;
import java.util.Optional;

/**
 * The one failure type of Keyway: a code, a message fit to show a person, and optionally the
 * request field at fault and how long to wait before retrying. Messages never carry secrets.
 */
public final class KeywayException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final String field;
  private final Duration retryAfter;

  private KeywayException(ErrorCode code, String message, String field, Duration retryAfter) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }

  public static KeywayException of(ErrorCode code, String message) {
    return new KeywayException(code, message, null, null);
  }

  /** A 400 naming the field at fault. */
  public static KeywayException badField(String field, String problem) {
    return new KeywayException(ErrorCode.BAD_REQUEST, field + ": " + problem, field, null);
  }

  public static KeywayException notFound(String what) {
    return new KeywayException(ErrorCode.NOT_FOUND, what + " not found", null, null);
  }

  public static KeywayException unauthorized() {
    return new KeywayException(ErrorCode.UNAUTHORIZED, "authentication required", null, null);
  }

  public static KeywayException forbidden(String message) {
    return new KeywayException(ErrorCode.FORBIDDEN, message, null, null);
  }

  public static KeywayException conflict(String message) {
    return new KeywayException(ErrorCode.CONFLICT, message, null, null);
  }

  public static KeywayException rateLimited(String message, Duration retryAfter) {
    return new KeywayException(ErrorCode.RATE_LIMITED, message, null, retryAfter);
  }

  public ErrorCode code() {
    return code;
  }

  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}

package io.keyway.errors;

/**
 * Every error Keyway answers with, and the one HTTP status each maps to. The same codes travel
 * over the event bus as {@code ReplyException} failure codes ({@link #replyCode()}), so a
 * refusal raised in any module reaches the client unchanged.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  PASSWORD_RESET_REQUIRED(403, "password_reset_required"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  CONFLICT(409, "conflict"),
  IDEMPOTENCY_CONFLICT(409, "idempotency_conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  UNPROCESSABLE(422, "unprocessable"),
  RATE_LIMITED(429, "rate_limited"),
  UNAVAILABLE(503, "unavailable"),
  /** A bug: the body never says more than that something went wrong, with the request id. */
  INTERNAL(500, "internal"),
  /** An {@code Accept} header that admits none of the answer's media types (MCP); last, so earlier reply codes keep their value. */
  NOT_ACCEPTABLE(406, "not_acceptable");

  private static final int REPLY_CODE_BASE = 4000;
  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The snake_case code written in the error body. */
  public String code() {
    return code;
  }

  /** The failure code used on the event bus. */
  public int replyCode() {
    return REPLY_CODE_BASE + ordinal();
  }

  /** The code behind an event-bus failure code, or {@link #INTERNAL} for a code that is not ours. */
  public static ErrorCode fromReplyCode(int replyCode) {
    int i = replyCode - REPLY_CODE_BASE;
    ErrorCode[] all = values();
    return i >= 0 && i < all.length ? all[i] : INTERNAL;
  }
}

package io.keyway.gateway.http;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an error becomes an HTTP answer: {@code {"error": {code, message, requestId}}},
 * with the status of its {@link ErrorCode}. Anything unexpected is logged with its stack trace
 * under the request id and answered with a bare 500 that says nothing more.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    KeywayException error = toError(failure, ctx.statusCode());
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("{} {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), failure);
    }
    var response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = new JsonObject()
        .put("code", error.code().code())
        .put("message", error.getMessage())
        .put("requestId", RequestIds.of(ctx));
    error.field().ifPresent(f -> body.put("field", f));
    // whole seconds, rounded up: a client that waits what it is told is not refused again for the fraction
    error.retryAfter().ifPresent(d -> response.putHeader("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
    if (error.code() == ErrorCode.UNAUTHORIZED && response.headers().get("WWW-Authenticate") == null) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"keyway\"");
    }
    response.setStatusCode(error.code().status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", body).toBuffer());
  }

  static KeywayException toError(Throwable failure, int status) {
    if (failure instanceof KeywayException k) {
      return k;
    }
    if (failure instanceof DecodeException) {
      return KeywayException.of(ErrorCode.BAD_REQUEST, "body: malformed JSON");
    }
    if (failure instanceof HttpException h) {
      return fromStatus(h.getStatusCode());
    }
    if (failure == null) {
      return fromStatus(status);
    }
    return KeywayException.of(ErrorCode.INTERNAL, "something went wrong; quote the request id when reporting it");
  }

  private static KeywayException fromStatus(int status) {
    return switch (status) {
      case 400 -> KeywayException.of(ErrorCode.BAD_REQUEST, "bad request");
      case 401 -> KeywayException.unauthorized();
      case 403 -> KeywayException.of(ErrorCode.FORBIDDEN, "forbidden");
      case 404 -> KeywayException.of(ErrorCode.NOT_FOUND, "no such resource");
      case 405 -> KeywayException.of(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this resource");
      case 413 -> KeywayException.of(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than 64 KiB");
      case 415 -> KeywayException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
      case 429 -> KeywayException.of(ErrorCode.RATE_LIMITED, "too many requests");
      case 503 -> KeywayException.of(ErrorCode.UNAVAILABLE, "temporarily unavailable");
      default -> KeywayException.of(ErrorCode.INTERNAL, "something went wrong; quote the request id when reporting it");
    };
  }
}

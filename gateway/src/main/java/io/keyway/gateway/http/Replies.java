package io.keyway.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes successful JSON answers; every failure goes through {@link FailureHandler} instead. */
public final class Replies {
  private Replies() {}

  public static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  public static Future<Void> json(RoutingContext ctx, int status, JsonArray body) {
    return ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  public static Future<Void> noContent(RoutingContext ctx) {
    return ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
  }
}

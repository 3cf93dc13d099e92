package io.keyway.gateway.publicapi;

import io.keyway.gateway.http.RequestBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/public/*}: the stripped track record, for anyone, cacheable by anyone for 30 seconds. */
public final class PublicRoutes {
  private static final String CACHE_CONTROL = "public, max-age=" + PublicTrackRecord.TTL.toSeconds();
  private final PublicTrackRecord record;

  public PublicRoutes(PublicTrackRecord record) {
    this.record = record;
  }

  public void mount(Router router) {
    router.get("/api/public/strategies").handler(ctx -> record.strategies(ctx.vertx().getOrCreateContext())
        .onSuccess(list -> cacheable(ctx, list.toBuffer())).onFailure(ctx::fail));
    router.get("/api/public/strategies/:id").handler(ctx -> record.strategy(RequestBody.pathId(ctx, "id"), ctx.vertx().getOrCreateContext())
        .onSuccess(one -> cacheable(ctx, one.toBuffer())).onFailure(ctx::fail));
    router.get("/api/public/summary").handler(ctx -> record.summary(ctx.vertx().getOrCreateContext())
        .onSuccess(sum -> cacheable(ctx, sum.toBuffer())).onFailure(ctx::fail));
  }

  private static void cacheable(RoutingContext ctx, Buffer body) {
    ctx.response().setStatusCode(200)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", CACHE_CONTROL)
        .end(body);
  }
}

package io.keyway.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: request id, method, path (never the query string), status, duration,
 * bytes, client address. Headers and bodies are never logged, so no token, password or key can
 * reach the log through here.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("keyway.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      if (!LOG.isInfoEnabled()) {
        return;
      }
      var req = ctx.request();
      LOG.info("{} {} {} {} {}ms {}B {}", RequestIds.of(ctx), req.method(), req.path(), ctx.response().getStatusCode(),
          (System.nanoTime() - start) / 1_000_000, ctx.response().bytesWritten(),
          req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress());
    });
    ctx.next();
  }
}

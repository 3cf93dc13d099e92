package io.keyway.gateway.ws;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.http.OriginPolicy;
import io.keyway.gateway.http.TradingActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws}: refuses a browser origin that is not allowed (403, before the upgrade), then
 * hands the socket to a {@link LiveSocket} of this verticle instance's {@link TenantHub}. One per
 * HTTP verticle instance.
 */
public final class WsEndpoint {
  private final Vertx vertx;
  private final GatewayServices services;
  private final WsSettings settings;
  private final OriginPolicy origins;
  private final TenantHub hub;
  private final Snapshots snapshots;
  private final WsMetrics metrics;

  public WsEndpoint(Vertx vertx, GatewayServices services, WsSettings settings, OriginPolicy origins,
      TradingActions trading) {
    this.vertx = vertx;
    this.services = services;
    this.settings = settings;
    this.origins = origins;
    this.metrics = new WsMetrics(services.registry());
    this.hub = new TenantHub(vertx, settings, metrics);
    this.snapshots = new Snapshots(trading, services.orders());
  }

  /** Applies the frame limits of {@code /ws} to the server's options. */
  public static HttpServerOptions limitFrames(HttpServerOptions options, WsSettings settings) {
    // the socket refuses a message above maxFrameBytes with a proper 1009; far above it, the
    // transport does not even buffer the message and drops the connection
    return options.setMaxWebSocketFrameSize(4 * settings.maxFrameBytes())
        .setMaxWebSocketMessageSize(4 * settings.maxFrameBytes())
        // frames are small JSON: deflating each costs more CPU than it saves bytes
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  /** Mounts the route; the future completes once the hub listens to identity and account changes. */
  public Future<Void> mount(Router router) {
    router.get("/ws").handler(this::upgrade);
    return hub.start();
  }

  private void upgrade(RoutingContext ctx) {
    var request = ctx.request();
    if (origins.refuses(request)) {
      ctx.fail(KeywayException.forbidden("this origin may not open /ws"));
      return;
    }
    if (!request.canUpgradeToWebSocket()) {
      ctx.fail(KeywayException.of(ErrorCode.BAD_REQUEST, "/ws only answers a WebSocket handshake"));
      return;
    }
    request.toWebSocket()
        .onSuccess(ws -> new LiveSocket(vertx, ws, hub, services.authenticator(), snapshots, settings, metrics).start())
        .onFailure(e -> {
          if (!ctx.response().ended()) {
            ctx.fail(KeywayException.of(ErrorCode.BAD_REQUEST, "the WebSocket handshake failed"));
          }
        });
  }
}

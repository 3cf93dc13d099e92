package io.keyway.gateway.http;

import io.keyway.config.db.TenantScope;
import io.keyway.gateway.identity.TenantTheme;
import io.keyway.gateway.mcp.McpEndpoint;
import io.keyway.gateway.publicapi.PublicRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.keyway.gateway.ws.WsEndpoint;
import io.keyway.gateway.ws.WsSettings;

/**
 * The REST surface of one node, one instance per event loop ({@code --instances}). It only wires
 * routes to the shared services; the rules live in those services.
 */
public final class HttpVerticle extends VerticleBase {
  /** Request bodies above this answer 413. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final GatewayServices services;
  private HttpServer server;

  public HttpVerticle(GatewayServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    FailureHandler failures = new FailureHandler();
    router.route().handler(new RequestIds()).handler(new AccessLog());
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    AuthGuard guard = new AuthGuard(services.authenticator());
    // one of each rule set per instance, shared by every door that applies it
    var theme = new TenantTheme(new TenantScope(services.pool()), services.audit());
    var trading = new TradingActions(services.accounts(), services.orders(), services.approvals(), services.engines());
    var ledger = new LedgerActions(services);
    var origins = OriginPolicy.of(services.config().allowedOrigins());
    new OpsRoutes(vertx, services.pool(), services.registry()).mount(router);
    new AuthRoutes(services.auth()).mount(router, guard);
    new SessionRoutes(services.auth(), services.config().refreshTokenTtl()).mount(router, guard);
    new AccountRoutes(services.authenticator(), services.apiTokens()).mount(router, guard);
    new TenantRoutes(theme).mount(router, guard);
    new UserRoutes(services.users()).mount(router, guard);
    new LedgerRoutes(services, ledger).mount(router, guard);
    new KeyRoutes(services.vault(), services.audit(), new KeyTester(services.alpaca())).mount(router, guard);
    new TradingAccountRoutes(services.accounts(), services.authenticator(), services.engines()).mount(router, guard);
    new TradingRoutes(trading).mount(router, guard);
    new McpEndpoint(vertx, services, origins, trading, ledger).mount(router, MAX_BODY_BYTES);
    new PublicRoutes(services.publicTrackRecord()).mount(router);
    Future<Void> ws = new WsEndpoint(vertx, services, WsSettings.DEFAULTS, origins, trading).mount(router);
    new ThemeStylesheetRoutes(theme).mount(router);
    new DashboardRoutes().mount(router);
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    var options = WsEndpoint.limitFrames(new HttpServerOptions(), WsSettings.DEFAULTS)
        .setHost(services.config().httpHost())
        .setPort(sharedPort(services.config().httpPort()))
        .setMaxHeaderSize(16 * 1024)
        .setCompressionSupported(true);
    return ws.compose(x -> vertx.createHttpServer(options).requestHandler(router).listen()).onSuccess(s -> server = s);
  }

  /**
   * The port every instance listens on. Vert.x shares a fixed port among a deployment's instances, and a random
   * one only when asked for with a negative port: with 0, each instance would bind a random port of its own and
   * only the first one's (the node's {@code httpPort()}) would ever get a connection, leaving every socket of
   * {@code /ws} on one event loop.
   */
  static int sharedPort(int configured) {
    return configured == 0 ? -1 : configured;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}

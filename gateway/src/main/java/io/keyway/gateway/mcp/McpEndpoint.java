package io.keyway.gateway.mcp;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.BuildVersion;
import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.http.LedgerActions;
import io.keyway.gateway.http.OriginPolicy;
import io.keyway.gateway.http.Replies;
import io.keyway.gateway.http.RequestIds;
import io.keyway.gateway.http.TradingActions;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.mcp.JsonRpc.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * {@code /mcp}: MCP's Streamable HTTP transport with JSON answers only, as MCP.md fixes it. The
 * order of checks: Origin (403), bearer token (401, revocation checked every time), forced
 * password reset (403), the per-token rate limit (429), method (405), Content-Type (415), Accept
 * (406), then the one JSON-RPC message. HTTP-level refusals go through the failure handler;
 * JSON-RPC answers are written here.
 */
public final class McpEndpoint {
  /** The path, fixed by MCP.md. */
  public static final String PATH = "/mcp";
  private static final String BEARER_REALM = "Bearer realm=\"keyway\"";

  private final GatewayServices services;
  private final OriginPolicy origins;
  private final McpDispatcher dispatcher;

  public McpEndpoint(Vertx vertx, GatewayServices services, OriginPolicy origins, TradingActions trading,
      LedgerActions ledger) {
    this.services = services;
    this.origins = origins;
    this.dispatcher = new McpDispatcher(KeywayTools.all(vertx, services, trading, ledger), BuildVersion.current());
  }

  public void mount(Router router, int maxBodyBytes) {
    // the body is read first: the token check is asynchronous and the request must not end unread meanwhile
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.route(PATH).handler(this::origin).handler(this::authenticate);
    router.post(PATH).handler(this::post);
    router.route(PATH).handler(ctx -> ctx.fail(KeywayException.of(ErrorCode.METHOD_NOT_ALLOWED,
        "POST JSON-RPC messages here; this server opens no stream and keeps no session")));
  }

  private void origin(RoutingContext ctx) {
    if (origins.refuses(ctx.request())) {
      ctx.fail(KeywayException.forbidden("this Origin may not call /mcp"));
      return;
    }
    ctx.next();
  }

  private void authenticate(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    services.authenticator().authenticate(authorization)
        .onSuccess(p -> {
          if (p.mustResetPassword()) {
            ctx.fail(KeywayException.of(ErrorCode.PASSWORD_RESET_REQUIRED,
                "change your password first (POST /api/auth/password)"));
            return;
          }
          services.mcpRateLimit().tryTake(p).onComplete(taken -> {
            if (taken.failed()) {
              ctx.fail(taken.cause());
            } else if (taken.result().isPresent()) {
              ctx.fail(KeywayException.rateLimited("too many MCP requests for this token; retry later",
                  taken.result().get()));
            } else {
              ctx.put(Principal.class.getName(), p);
              ctx.next();
            }
          });
        })
        .onFailure(e -> {
          if (authorization != null) {
            ctx.response().putHeader("WWW-Authenticate", BEARER_REALM + ", error=\"invalid_token\"");
          }
          ctx.fail(e);
        });
  }

  private void post(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !mediaType(type).equals("application/json")) {
      ctx.fail(KeywayException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send one JSON-RPC message as application/json"));
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !acceptable(accept)) {
      ctx.fail(KeywayException.of(ErrorCode.NOT_ACCEPTABLE, "accept application/json (and text/event-stream)"));
      return;
    }
    Object parsed;
    try {
      Buffer body = ctx.body().buffer();
      parsed = body == null ? null : body.toJsonValue();
    } catch (DecodeException e) {
      reply(ctx, new Answer(400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "the body is not JSON")));
      return;
    }
    if (!(parsed instanceof JsonObject msg) || !"2.0".equals(msg.getValue("jsonrpc"))) {
      String why = parsed instanceof JsonArray ? "batches are not supported: send one message per request"
          : "send one JSON-RPC 2.0 object";
      reply(ctx, new Answer(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, why)));
      return;
    }
    Object id = msg.getValue("id");
    Object method = msg.getValue("method");
    if (method == null || (id == null && method instanceof String)) {
      reply(ctx, Answer.ACCEPTED); // a response or a notification: nothing to answer
      return;
    }
    if (!(method instanceof String) || !(id instanceof String || id instanceof Number)) {
      reply(ctx, new Answer(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "method must be a string, id a string or a number")));
      return;
    }
    var request = ctx.request();
    var headers = new McpDispatcher.Headers(request.getHeader("MCP-Protocol-Version"), request.getHeader("Mcp-Method"),
        request.getHeader("Mcp-Name"));
    Principal caller = ctx.get(Principal.class.getName());
    dispatcher.request(caller, msg, headers, RequestIds.of(ctx))
        .onSuccess(answer -> reply(ctx, answer))
        .onFailure(e -> {
          if (e instanceof KeywayException k && k.code() == ErrorCode.FORBIDDEN) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
          }
          ctx.fail(e);
        });
  }

  private static void reply(RoutingContext ctx, Answer answer) {
    if (answer.body() == null) {
      ctx.response().setStatusCode(answer.status()).putHeader("Cache-Control", "no-store").end();
    } else {
      Replies.json(ctx, answer.status(), answer.body());
    }
  }

  private static String mediaType(String header) {
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  private static boolean acceptable(String accept) {
    for (String part : accept.split(",")) {
      String t = mediaType(part);
      if (t.equals("application/json") || t.equals("text/event-stream") || t.equals("*/*") || t.equals("application/*")) {
        return true;
      }
    }
    return false;
  }
}

package io.keyway.gateway.mcp;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.mcp.JsonRpc.Answer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP message for one authenticated caller, in either revision MCP.md describes: the
 * initialize-based ones (2025-03-26 … 2025-11-25) and the stateless 2026-07-28 one, recognised by
 * {@code params._meta["io.modelcontextprotocol/protocolVersion"]}. No sessions, no server stream.
 */
final class McpDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(McpDispatcher.class);
  static final String STATELESS = "2026-07-28";
  static final List<String> INITIALIZE_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");
  static final List<String> ALL_VERSIONS = List.of(STATELESS, "2025-11-25", "2025-06-18", "2025-03-26");
  private static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
  private static final int TOOLS_TTL_MS = 60_000;

  /** The request headers MCP cares about (null when absent). */
  record Headers(String protocolVersion, String method, String name) {}

  private final List<McpTool> tools;
  private final String version;

  McpDispatcher(List<McpTool> tools, String version) {
    this.tools = tools;
    this.version = version;
  }

  /** Answers one JSON-RPC request (a message with an id and a method). Fails with a 403 for a tool above the caller's role. */
  Future<Answer> request(Principal caller, JsonObject msg, Headers headers, String requestId) {
    Object id = msg.getValue("id");
    String method = msg.getString("method");
    JsonObject params = msg.getValue("params") instanceof JsonObject o ? o : new JsonObject();
    Object metaVersion = params.getValue("_meta") instanceof JsonObject meta ? meta.getValue(META_VERSION) : null;
    if (metaVersion != null) {
      return stateless(caller, id, method, params, String.valueOf(metaVersion), headers, requestId);
    }
    if (headers.protocolVersion() != null && !ALL_VERSIONS.contains(headers.protocolVersion())) {
      return Future.succeededFuture(new Answer(400, JsonRpc.error(id, JsonRpc.INVALID_REQUEST,
          "unsupported MCP-Protocol-Version " + headers.protocolVersion() + "; supported: " + ALL_VERSIONS)));
    }
    return switch (method) {
      case "initialize" -> ok(id, initialize(params));
      case "ping" -> ok(id, new JsonObject());
      case "tools/list" -> ok(id, toolsList(caller));
      case "tools/call" -> call(caller, id, params, requestId, Function.identity());
      default -> Future.succeededFuture(Answer.ok(JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no method " + method)));
    };
  }

  private Future<Answer> stateless(Principal caller, Object id, String method, JsonObject params, String requested,
      Headers headers, String requestId) {
    if (!STATELESS.equals(requested)) {
      return Future.succeededFuture(new Answer(400, JsonRpc.error(id, JsonRpc.UNSUPPORTED_VERSION,
          "unsupported protocol version " + requested, new JsonObject()
              .put("supported", new JsonArray(ALL_VERSIONS)).put("requested", requested))));
    }
    String mismatch = !requested.equals(headers.protocolVersion()) ? "MCP-Protocol-Version"
        : !method.equals(headers.method()) ? "Mcp-Method"
        : "tools/call".equals(method) && !String.valueOf(params.getValue("name")).equals(headers.name()) ? "Mcp-Name"
        : null;
    if (mismatch != null) {
      return Future.succeededFuture(new Answer(400, JsonRpc.error(id, JsonRpc.HEADER_MISMATCH,
          "the " + mismatch + " header is missing or does not match the body")));
    }
    Function<JsonObject, JsonObject> complete = r -> r.put("resultType", "complete");
    return switch (method) {
      case "server/discover" -> ok(id, complete.apply(new JsonObject()
          .put("supportedVersions", new JsonArray(ALL_VERSIONS))
          .put("capabilities", new JsonObject().put("tools", new JsonObject()))
          .put("_meta", new JsonObject().put("io.modelcontextprotocol/serverInfo", serverInfo()))));
      case "ping" -> ok(id, complete.apply(new JsonObject()));
      // cacheable results (2026-07-28) need both: the list depends on the caller's role, and a role
      // change shows within a minute (the server checks the role on every call regardless)
      case "tools/list" -> ok(id, complete.apply(toolsList(caller).put("cacheScope", "private").put("ttlMs", TOOLS_TTL_MS)));
      case "tools/call" -> call(caller, id, params, requestId, complete);
      default -> Future.succeededFuture(new Answer(404, JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no method " + method)));
    };
  }

  private JsonObject initialize(JsonObject params) {
    String requested = params.getString("protocolVersion");
    return new JsonObject()
        .put("protocolVersion", INITIALIZE_VERSIONS.contains(requested) ? requested : INITIALIZE_VERSIONS.get(0))
        .put("capabilities", new JsonObject().put("tools", new JsonObject().put("listChanged", false)))
        .put("serverInfo", serverInfo());
  }

  private JsonObject serverInfo() {
    return new JsonObject().put("name", "keyway").put("version", version);
  }

  private JsonObject toolsList(Principal caller) {
    return new JsonObject().put("tools",
        new JsonArray(KeywayTools.callableBy(tools, caller.role()).stream().map(McpTool::toJson).toList()));
  }

  private Future<Answer> call(Principal caller, Object id, JsonObject params, String requestId,
      Function<JsonObject, JsonObject> complete) {
    Object name = params.getValue("name");
    var tool = name instanceof String n ? KeywayTools.named(tools, n) : java.util.Optional.<McpTool>empty();
    if (tool.isEmpty()) {
      return Future.succeededFuture(Answer.ok(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "no tool named " + name)));
    }
    if (!caller.role().atLeast(tool.get().minRole())) {
      return Future.failedFuture(KeywayException.forbidden(
          tool.get().name() + " needs the " + tool.get().minRole().wire() + " role"));
    }
    Future<JsonObject> outcome;
    try {
      outcome = tool.get().call().apply(caller, ToolArguments.check(tool.get().inputSchema(), params.getValue("arguments")));
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome
        .map(content -> Answer.ok(JsonRpc.result(id, complete.apply(new JsonObject()
            .put("content", new JsonArray().add(text(content)))
            .put("structuredContent", content)
            .put("isError", false)))))
        .recover(e -> Future.succeededFuture(Answer.ok(failure(id, tool.get().name(), e, requestId, complete))));
  }

  /** A failed call: bad arguments are a JSON-RPC error; a refusal by the rules is a result with {@code isError}. */
  private static JsonObject failure(Object id, String tool, Throwable e, String requestId,
      Function<JsonObject, JsonObject> complete) {
    if (e instanceof ToolArguments.InvalidArguments bad) {
      return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, bad.getMessage());
    }
    if (e instanceof KeywayException k && k.code() == ErrorCode.BAD_REQUEST) {
      return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, k.getMessage());
    }
    JsonObject refusal;
    if (e instanceof ToolRefusal r) {
      refusal = new JsonObject().put("code", r.code()).put("message", r.getMessage()).put("order", r.detail());
    } else if (e instanceof KeywayException k && k.code() != ErrorCode.INTERNAL) {
      refusal = new JsonObject().put("code", k.code().code()).put("message", k.getMessage());
    } else {
      LOG.error("{} MCP tool {} failed", requestId, tool, e);
      return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "something went wrong; quote request id " + requestId);
    }
    return JsonRpc.result(id, complete.apply(new JsonObject()
        .put("content", new JsonArray().add(text(new JsonObject().put("error", refusal))))
        .put("isError", true)));
  }

  private static JsonObject text(JsonObject json) {
    return new JsonObject().put("type", "text").put("text", json.encode());
  }

  private static Future<Answer> ok(Object id, JsonObject result) {
    return Future.succeededFuture(Answer.ok(JsonRpc.result(id, result)));
  }
}

package io.keyway.gateway.mcp;

import io.vertx.core.json.JsonObject;

/** JSON-RPC 2.0 answers, and the error codes MCP uses. */
final class JsonRpc {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  /** 2026-07-28: a header that does not match the body. */
  static final int HEADER_MISMATCH = -32020;
  /** 2026-07-28: a protocol version this server does not speak. */
  static final int UNSUPPORTED_VERSION = -32022;

  private JsonRpc() {}

  static JsonObject result(Object id, JsonObject result) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
  }

  static JsonObject error(Object id, int code, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }

  static JsonObject error(Object id, int code, String message, JsonObject data) {
    JsonObject e = error(id, code, message);
    e.getJsonObject("error").put("data", data);
    return e;
  }

  /** An answer of the endpoint: the HTTP status and the JSON-RPC body (null: 202, no body). */
  record Answer(int status, JsonObject body) {
    static final Answer ACCEPTED = new Answer(202, null);

    static Answer ok(JsonObject body) {
      return new Answer(200, body);
    }
  }
}

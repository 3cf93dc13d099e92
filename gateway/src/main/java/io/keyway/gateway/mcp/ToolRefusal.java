package io.keyway.gateway.mcp;

import io.vertx.core.json.JsonObject;

/** A tool call the rules refused in a way the answer must show as {@code isError}, with what was refused. */
final class ToolRefusal extends RuntimeException {
  private final String code;
  private final JsonObject detail;

  ToolRefusal(String code, String message, JsonObject detail) {
    super(message, null, false, false);
    this.code = code;
    this.detail = detail;
  }

  String code() {
    return code;
  }

  JsonObject detail() {
    return detail;
  }
}

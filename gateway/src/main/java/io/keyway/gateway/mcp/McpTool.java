package io.keyway.gateway.mcp;

import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One MCP tool: what {@code tools/list} shows of it, the least role that may call it, and what it
 * does (always through the same service method as its REST twin).
 */
record McpTool(String name, String title, String description, JsonObject inputSchema, JsonObject outputSchema,
    Role minRole, boolean destructive, Call call) {

  /** What a tool does for a caller with checked arguments; the answer is its structured content. */
  @FunctionalInterface
  interface Call {
    Future<JsonObject> apply(Principal caller, ToolArguments args);
  }

  boolean readOnly() {
    return minRole == Role.VIEWER;
  }

  /** The {@code tools/list} entry. */
  JsonObject toJson() {
    JsonObject annotations = new JsonObject().put("title", title).put("readOnlyHint", readOnly())
        .put("destructiveHint", destructive).put("idempotentHint", readOnly()).put("openWorldHint", false);
    return new JsonObject().put("name", name).put("title", title).put("description", description)
        .put("inputSchema", inputSchema).put("outputSchema", outputSchema).put("annotations", annotations);
  }
}

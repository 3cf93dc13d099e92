package io.keyway.gateway.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The few JSON Schema shapes the tools' input and output schemas are built from. */
final class Schemas {
  private Schemas() {}

  static JsonObject string(String description) {
    return new JsonObject().put("type", "string").put("maxLength", 500).put("description", description);
  }

  static JsonObject id(String description) {
    return new JsonObject().put("type", "string").put("format", "uuid").put("maxLength", 36).put("description", description);
  }

  static JsonObject decimal(String description) {
    return new JsonObject().put("type", "string").put("maxLength", 40).put("pattern", "^[0-9]{1,15}(\\.[0-9]{1,8})?$")
        .put("description", description + " (a decimal string)");
  }

  static JsonObject oneOf(String description, String... values) {
    return new JsonObject().put("type", "string").put("enum", new JsonArray(java.util.List.of((Object[]) values)))
        .put("description", description);
  }

  static JsonObject integer(String description, int min, int max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max).put("description", description);
  }

  static JsonObject bool(String description) {
    return new JsonObject().put("type", "boolean").put("description", description);
  }

  /** An object with these properties (name, schema, name, schema…), of which {@code required} must be present. */
  static JsonObject object(String[] required, Object... properties) {
    JsonObject props = new JsonObject();
    for (int i = 0; i < properties.length; i += 2) {
      props.put((String) properties[i], properties[i + 1]);
    }
    return new JsonObject().put("type", "object").put("properties", props)
        .put("required", new JsonArray(java.util.List.of((Object[]) required))).put("additionalProperties", false);
  }

  /** An output: an object that has at least {@code required}, and may carry more. */
  static JsonObject output(String... required) {
    return new JsonObject().put("type", "object").put("required", new JsonArray(java.util.List.of((Object[]) required)));
  }

  /** An output holding one list under {@code field}. */
  static JsonObject listOutput(String field) {
    return new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put(field, new JsonObject().put("type", "array")
            .put("items", new JsonObject().put("type", "object"))))
        .put("required", new JsonArray().add(field));
  }

  static String[] required(String... names) {
    return names;
  }
}

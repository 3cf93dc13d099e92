package io.keyway.gateway.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A tool's arguments, checked against its input schema before the tool runs (the subset of JSON
 * Schema the tools use: object, string with enum/maxLength, integer with bounds, boolean, no
 * unknown properties). Anything that breaks it is an {@link InvalidArguments} (JSON-RPC -32602).
 */
final class ToolArguments {
  /** The schemas' patterns, compiled once each: the tools' schemas are fixed, so this stays small. */
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  private final JsonObject values;

  private ToolArguments(JsonObject values) {
    this.values = values;
  }

  /** Thrown for arguments that break the input schema. */
  static final class InvalidArguments extends RuntimeException {
    InvalidArguments(String message) {
      super(message, null, false, false);
    }
  }

  static ToolArguments check(JsonObject schema, Object raw) {
    if (raw != null && !(raw instanceof JsonObject)) {
      throw new InvalidArguments("arguments must be an object");
    }
    JsonObject args = raw == null ? new JsonObject() : (JsonObject) raw;
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (String name : args.fieldNames()) {
      if (!properties.containsKey(name)) {
        throw new InvalidArguments(name + ": unknown argument");
      }
      Object value = args.getValue(name);
      if (value != null) {
        checkValue(name, properties.getJsonObject(name), value);
      }
    }
    for (Object required : schema.getJsonArray("required", new JsonArray())) {
      if (args.getValue((String) required) == null) {
        throw new InvalidArguments(required + ": is required");
      }
    }
    return new ToolArguments(args);
  }

  private static void checkValue(String name, JsonObject p, Object value) {
    switch (p.getString("type")) {
      case "string" -> {
        if (!(value instanceof String s)) {
          throw new InvalidArguments(name + ": must be a string");
        }
        JsonArray allowed = p.getJsonArray("enum");
        if (allowed != null && !allowed.contains(s)) {
          throw new InvalidArguments(name + ": must be one of " + allowed.encode());
        }
        if (s.length() > p.getInteger("maxLength", 1000)) {
          throw new InvalidArguments(name + ": is too long");
        }
        String pattern = p.getString("pattern");
        if (pattern != null && !PATTERNS.computeIfAbsent(pattern, Pattern::compile).matcher(s).matches()) {
          throw new InvalidArguments(name + ": " + p.getString("description", "has the wrong form"));
        }
      }
      case "integer" -> {
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < p.getLong("minimum", Long.MIN_VALUE)
            || ((Number) value).longValue() > p.getLong("maximum", Long.MAX_VALUE)) {
          throw new InvalidArguments(name + ": must be an integer from " + p.getLong("minimum") + " to " + p.getLong("maximum"));
        }
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          throw new InvalidArguments(name + ": must be true or false");
        }
      }
      default -> throw new IllegalStateException("schema type not supported: " + p.getString("type"));
    }
  }

  Optional<String> string(String name) {
    return Optional.ofNullable(values.getString(name));
  }

  UUID id(String name) {
    return optionalId(name).orElseThrow(() -> new InvalidArguments(name + ": is required"));
  }

  Optional<UUID> optionalId(String name) {
    return string(name).map(s -> {
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidArguments(name + ": must be an id (a UUID)");
      }
    });
  }

  Optional<Instant> instant(String name) {
    return string(name).map(s -> {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw new InvalidArguments(name + ": must be an ISO-8601 UTC time such as 2026-01-31T00:00:00Z");
      }
    });
  }

  int integer(String name, int fallback) {
    return values.getInteger(name, fallback);
  }

  /** The arguments without those named, e.g. an order body without its account id. */
  JsonObject without(String... names) {
    JsonObject copy = values.copy();
    for (String n : names) {
      copy.remove(n);
    }
    return copy;
  }
}

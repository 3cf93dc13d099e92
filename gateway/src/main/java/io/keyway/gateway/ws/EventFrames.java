package io.keyway.gateway.ws;

import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;

/**
 * Encodes a stream event into the text of its push frame, the same text as {@link JsonObject#encode()}. A balance
 * event is flat (strings, whole numbers), and for a flat event it writes the JSON itself into one reused builder:
 * Jackson made a generator, its contexts, a char buffer and a UTF-16 string for every event, about a fifth of the
 * fan-out's allocation and CPU. Anything else (a nested value such as an order event's order, a fraction, a
 * control character) goes to {@link JsonObject#encode()}. One per hub: not thread-safe, used from one event loop.
 */
public final class EventFrames {
  private final StringBuilder out = new StringBuilder(256);
  /** Whether every field so far could be written here. */
  private boolean plain;
  /** Writes one field; made once, so encoding allocates nothing but the frame's text. */
  private final BiConsumer<String, Object> field = (key, value) -> {
    if (!plain) {
      return;
    }
    if (out.length() > 1) {
      out.append(',');
    }
    if (!string(key)) {
      plain = false;
      return;
    }
    out.append(':');
    plain = value(value);
  };

  /** The event as its push frame's text. */
  public String encode(JsonObject event) {
    out.setLength(0);
    out.append('{');
    plain = true;
    event.getMap().forEach(field);
    return plain ? out.append('}').toString() : event.encode();
  }

  /** Appends {@code value} as JSON; false when only Jackson may write it. */
  private boolean value(Object value) {
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue());
      return true;
    }
    if (value instanceof Boolean b) {
      out.append(b.booleanValue());
      return true;
    }
    if (value == null) {
      out.append("null");
      return true;
    }
    return false;
  }

  /** Appends {@code s} quoted, escaping {@code "} and {@code \} as Jackson does; false for a control character. */
  private boolean string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        return false; // Jackson's escapes for these are its own
      }
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
    return true;
  }
}

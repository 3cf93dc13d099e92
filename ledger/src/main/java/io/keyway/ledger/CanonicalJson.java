package io.keyway.ledger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The one canonical JSON form entries are hashed in: object keys sorted by their UTF-16 code
 * units, no whitespace, strings escaped minimally (only {@code "}, {@code \}, and control
 * characters, as {@code \}{@code uXXXX} except the short forms {@code \b \f \n \r \t}), integers
 * as digits, decimals as strings (a money amount is never a JSON number), {@code true}, {@code
 * false}, {@code null}. Floating-point numbers are refused: they have no single spelling.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  public static String encode(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  /** Appends the canonical form of {@code v}. */
  static void write(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(out, s);
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      out.append(((Number) v).longValue());
    } else if (v instanceof BigDecimal d) {
      string(out, d.toPlainString());
    } else if (v instanceof JsonObject o) {
      object(out, o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      object(out, m);
    } else if (v instanceof JsonArray a) {
      array(out, a.getList());
    } else if (v instanceof List<?> l) {
      array(out, l);
    } else {
      throw new IllegalArgumentException("not canonicalisable: " + v.getClass().getSimpleName());
    }
  }

  private static void object(StringBuilder out, Map<?, ?> map) {
    List<String> keys = new ArrayList<>(map.size());
    for (Object k : map.keySet()) {
      keys.add((String) k);
    }
    Collections.sort(keys);
    out.append('{');
    boolean first = true;
    for (String k : keys) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, k);
      out.append(':');
      write(out, map.get(k));
    }
    out.append('}');
  }

  private static void array(StringBuilder out, List<?> list) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      write(out, list.get(i));
    }
    out.append(']');
  }

  /** Appends {@code s} as a canonical JSON string. */
  static void string(StringBuilder out, String s) {
    out.append('"');
    int plain = 0;
    while (plain < s.length() && s.charAt(plain) >= 0x20 && s.charAt(plain) != '"' && s.charAt(plain) != '\\') {
      plain++;
    }
    out.append(s, 0, plain); // the common case: nothing to escape, copied in one go
    for (int i = plain; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

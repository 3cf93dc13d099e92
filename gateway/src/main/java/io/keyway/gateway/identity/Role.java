package io.keyway.gateway.identity;

import io.keyway.errors.KeywayException;
import java.util.Locale;

/** What a person may do in their tenant, from least to most. */
public enum Role {
  VIEWER, OPERATOR, ADMIN;

  /** The lower-case name used on the wire and in the database. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }

  /** The lesser of two roles (an API token never acts above its owner). */
  public static Role min(Role a, Role b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Parses a wire value; a 400 naming {@code field} for anything else. */
  public static Role parse(String field, String value) {
    if (value != null) {
      for (Role r : values()) {
        if (r.wire().equals(value)) {
          return r;
        }
      }
    }
    throw KeywayException.badField(field, "must be one of admin, operator, viewer");
  }
}

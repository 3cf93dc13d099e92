package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Query-string parameters, typed; every mistake is a 400 naming the parameter. */
final class QueryParams {
  private final RoutingContext ctx;

  QueryParams(RoutingContext ctx) {
    this.ctx = ctx;
  }

  String string(String name) {
    String v = ctx.queryParams().get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  UUID uuid(String name) {
    String v = string(name);
    try {
      return v == null ? null : UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw KeywayException.badField(name, "must be an id");
    }
  }

  Instant instant(String name) {
    String v = string(name);
    try {
      return v == null ? null : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw KeywayException.badField(name, "must be an ISO-8601 UTC time such as 2026-01-31T00:00:00Z");
    }
  }

  int integer(String name, int min, int max, int fallback) {
    String v = string(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the same answer as an out-of-range number
    }
    throw KeywayException.badField(name, "must be a whole number from " + min + " to " + max);
  }
}

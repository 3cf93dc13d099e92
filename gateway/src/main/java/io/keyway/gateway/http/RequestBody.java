package io.keyway.gateway.http;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/** A JSON object request body, read field by field; every mistake is a 400 naming the field. */
public final class RequestBody {
  private final JsonObject json;

  private RequestBody(JsonObject json) {
    this.json = json;
  }

  /** The body as a JSON object; an empty body counts as {@code {}}. */
  public static RequestBody of(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return new RequestBody(new JsonObject());
    }
    // JSON only: also keeps a cross-site HTML form (which cannot send application/json) out
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw KeywayException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
    }
    Object parsed;
    try {
      parsed = Buffer.buffer(raw.getBytes()).toJsonValue();
    } catch (DecodeException e) {
      throw KeywayException.badField("body", "malformed JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw KeywayException.badField("body", "must be a JSON object");
    }
    return new RequestBody(obj);
  }

  /** The whole body, for domain parsers that validate it themselves. */
  public JsonObject json() {
    return json;
  }

  public String string(String field) {
    return optString(field).orElseThrow(() -> KeywayException.badField(field, "is required"));
  }

  public Optional<String> optString(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw KeywayException.badField(field, "must be a string");
    }
    return Optional.of(s);
  }

  /** The raw value of a field (null when absent), for parsers that check its type themselves. */
  public Object raw(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw KeywayException.badField(field, "is required");
    }
    return v;
  }

  public Optional<Boolean> optBoolean(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      throw KeywayException.badField(field, "must be true or false");
    }
    return Optional.of(b);
  }

  /** A path parameter that must be a UUID; anything else is simply not found. */
  public static UUID pathId(RoutingContext ctx, String name) {
    try {
      return UUID.fromString(ctx.pathParam(name));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw KeywayException.notFound("resource");
    }
  }
}

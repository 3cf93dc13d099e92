package io.keyway.gateway.ws;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * A frame a client may send, parsed from its text. Anything else (not JSON, an unknown op, a missing
 * or mistyped field) is malformed: {@link #parse} answers empty and the socket answers
 * {@code bad_request}.
 */
public sealed interface ClientFrame {
  /** {@code {"op":"auth","token":"…"}}; the token is never logged (see {@link #toString}). */
  record Auth(String token) implements ClientFrame {
    @Override
    public String toString() {
      return "Auth[token=***]";
    }
  }

  /** {@code {"op":"subscribe","stream":…,"accountId":…}}; {@code accountId} is null for the tenant stream. */
  record Subscribe(Stream stream, UUID accountId) implements ClientFrame {}

  record Unsubscribe(Stream stream, UUID accountId) implements ClientFrame {}

  record Ping() implements ClientFrame {}

  /** The longest token accepted, as for the {@code Authorization} header. */
  int MAX_TOKEN_CHARS = 4096;

  static Optional<ClientFrame> parse(String text) {
    JsonObject json;
    try {
      if (text == null || text.isEmpty() || text.charAt(0) != '{') {
        return Optional.empty();
      }
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
    if (!(json.getValue("op") instanceof String op)) {
      return Optional.empty();
    }
    return switch (op) {
      case "auth" -> json.getValue("token") instanceof String t && !t.isBlank() && t.length() <= MAX_TOKEN_CHARS
          ? Optional.of(new Auth(t)) : Optional.empty();
      case "ping" -> Optional.of(new Ping());
      case "subscribe", "unsubscribe" -> target(json).map(t -> "subscribe".equals(op)
          ? new Subscribe(t.stream(), t.accountId()) : new Unsubscribe(t.stream(), t.accountId()));
      default -> Optional.empty();
    };
  }

  private static Optional<Subscribe> target(JsonObject json) {
    if (!(json.getValue("stream") instanceof String s)) {
      return Optional.empty();
    }
    Optional<Stream> stream = Stream.parse(s);
    if (stream.isEmpty()) {
      return Optional.empty();
    }
    if (stream.get() == Stream.TENANT) {
      return Optional.of(new Subscribe(Stream.TENANT, null));
    }
    if (!(json.getValue("accountId") instanceof String id)) {
      return Optional.empty();
    }
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equalsIgnoreCase(id) ? Optional.of(new Subscribe(stream.get(), uuid)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

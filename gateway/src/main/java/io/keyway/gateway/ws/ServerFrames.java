package io.keyway.gateway.ws;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The frames the server writes, as API.md fixes them. */
final class ServerFrames {
  private ServerFrames() {}

  static final String PONG = new JsonObject().put("type", "pong").encode();
  static final String BAD_REQUEST = error("bad_request");
  static final String UNAUTHORIZED = error("unauthorized");
  static final String SLOW_CONSUMER = error("slow_consumer");
  static final String TOO_LARGE = error("payload_too_large");

  /** Close codes. */
  static final short CLOSE_UNAUTHORIZED = 4401;
  static final short CLOSE_POLICY = 1008;
  static final short CLOSE_TRY_LATER = 1013;
  static final short CLOSE_TOO_BIG = 1009;
  static final short CLOSE_GOING_AWAY = 1001;

  static String ready(UUID userId) {
    return new JsonObject().put("type", "ready").put("userId", userId.toString()).encode();
  }

  static String subscribed(Stream stream, UUID accountId, JsonObject snapshot, long seq) {
    JsonObject f = new JsonObject().put("type", "subscribed").put("stream", stream.wire());
    if (accountId != null) {
      f.put("accountId", accountId.toString());
    }
    return f.put("snapshot", snapshot).put("seq", seq).encode();
  }

  static String unsubscribed(Stream stream, UUID accountId) {
    JsonObject f = new JsonObject().put("type", "unsubscribed").put("stream", stream.wire());
    if (accountId != null) {
      f.put("accountId", accountId.toString());
    }
    return f.encode();
  }

  static String error(String code) {
    return new JsonObject().put("type", "error").put("code", code).encode();
  }

  static String error(String code, UUID accountId) {
    return new JsonObject().put("type", "error").put("code", code).put("accountId", accountId.toString()).encode();
  }

  static String error(String code, Stream stream) {
    return new JsonObject().put("type", "error").put("code", code).put("stream", stream.wire()).encode();
  }
}

package io.keyway.gateway.identity;

import io.vertx.core.json.JsonObject;

/** What a login or a refresh answers. */
public record TokenPair(String accessToken, String refreshToken, int expiresIn, boolean mustResetPassword) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("accessToken", accessToken)
        .put("refreshToken", refreshToken)
        .put("tokenType", "Bearer")
        .put("expiresIn", expiresIn)
        .put("mustResetPassword", mustResetPassword);
  }

  @Override
  public String toString() {
    return "TokenPair[***]";
  }
}

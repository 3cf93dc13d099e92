package io.keyway.gateway.identity;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** A created user, with the generated password when none was given (shown this once). */
public record CreatedUser(UserRow user, Optional<String> generatedPassword) {
  public JsonObject toJson() {
    JsonObject json = user.toAdminJson();
    generatedPassword.ifPresent(p -> json.put("initialPassword", p));
    return json;
  }

  @Override
  public String toString() {
    return "CreatedUser[" + user.id() + "]";
  }
}

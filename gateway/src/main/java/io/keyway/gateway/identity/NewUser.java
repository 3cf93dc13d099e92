package io.keyway.gateway.identity;

import java.util.Optional;

/** A user to create; without a password one is generated and shown once. */
public record NewUser(String email, String displayName, Role role, Optional<String> password, boolean mustResetPassword) {
  @Override
  public String toString() {
    return "NewUser[" + email + ", " + role.wire() + "]";
  }
}

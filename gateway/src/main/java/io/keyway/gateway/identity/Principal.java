package io.keyway.gateway.identity;

import java.util.UUID;

/**
 * Who is calling, as established from a bearer token for one request. {@code credentialId} is the
 * refresh family behind an access token, or the API token's id.
 */
public record Principal(
    UUID userId, UUID tenantId, Role role, Kind kind, UUID credentialId, boolean mustResetPassword) {

  /** Which kind of bearer token authenticated the call. */
  public enum Kind { ACCESS_TOKEN, API_TOKEN }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}

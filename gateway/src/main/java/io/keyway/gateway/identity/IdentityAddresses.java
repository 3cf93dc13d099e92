package io.keyway.gateway.identity;

/**
 * Event-bus addresses of the identity layer. Published (never sent) so that every node and every
 * verticle instance drops what it cached about the changed user, session or token at once.
 */
public final class IdentityAddresses {
  private IdentityAddresses() {}

  /** Body: the user id. A user's role, status, profile or password changed, or it was deleted. */
  public static final String USER_CHANGED = "identity.user.changed";
  /** Body: the refresh family id. The session behind access tokens was revoked. */
  public static final String SESSION_REVOKED = "identity.session.revoked";
  /** Body: the hex SHA-256 of the token. An API token was revoked. */
  public static final String API_TOKEN_REVOKED = "identity.apitoken.revoked";
}

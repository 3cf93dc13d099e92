package io.keyway.gateway.identity;

/** Every statement the identity layer runs, parameterised, in one place. */
final class IdentitySql {
  private IdentitySql() {}

  private static final String USER_COLUMNS =
      "u.id, u.tenant_id, t.name AS tenant_name, u.email, u.display_name, u.role, u.disabled, "
          + "u.must_reset_password, u.last_login_at";
  private static final String USERS =
      " FROM identity.users u JOIN identity.tenants t ON t.id = u.tenant_id";

  static final String TENANT_OF_EMAIL = "SELECT identity.tenant_of_email($1) AS tenant_id";
  static final String TENANT_NAMED = "SELECT identity.tenant_named($1) AS tenant_id";
  static final String TENANT_INSERT =
      "INSERT INTO identity.tenants (id, name, display_name) VALUES ($1, $2, $2)";

  static final String USER_BY_ID = "SELECT " + USER_COLUMNS + USERS + " WHERE u.id = $1";
  static final String USER_BY_EMAIL_WITH_HASH =
      "SELECT " + USER_COLUMNS + ", u.password_hash" + USERS + " WHERE lower(u.email) = lower($1)";
  static final String USER_HASH = "SELECT password_hash FROM identity.users WHERE id = $1";
  static final String USERS_LIST = "SELECT " + USER_COLUMNS + USERS + " ORDER BY u.created_at, u.id";
  static final String USER_INSERT =
      "INSERT INTO identity.users (id, tenant_id, email, display_name, role, password_hash, must_reset_password) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7)";
  /** Locks every active admin of the tenant, so two demotions cannot each leave "another" admin. */
  static final String ACTIVE_ADMINS_FOR_UPDATE =
      "SELECT id FROM identity.users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE";
  static final String USER_FOR_UPDATE =
      "SELECT role, disabled, display_name FROM identity.users WHERE id = $1 FOR UPDATE";
  static final String USER_UPDATE =
      "UPDATE identity.users SET role = $2, disabled = $3, display_name = $4, updated_at = now() WHERE id = $1";
  static final String USER_DELETE = "DELETE FROM identity.users WHERE id = $1";
  static final String USER_RECORD_LOGIN = "UPDATE identity.users SET last_login_at = now() WHERE id = $1";
  static final String USER_SET_PASSWORD =
      "UPDATE identity.users SET password_hash = $2, must_reset_password = false, updated_at = now() WHERE id = $1";

  static final String FAMILY_INSERT =
      "INSERT INTO identity.refresh_families (id, tenant_id, user_id) VALUES ($1, $2, $3)";
  static final String FAMILY_STATE =
      "SELECT user_id, revoked_at IS NOT NULL AS revoked FROM identity.refresh_families WHERE id = $1";
  static final String FAMILY_REVOKE =
      "UPDATE identity.refresh_families SET revoked_at = now(), revoked_why = $2 WHERE id = $1 AND revoked_at IS NULL";
  static final String FAMILIES_REVOKE_OTHERS =
      "UPDATE identity.refresh_families SET revoked_at = now(), revoked_why = $3 "
          + "WHERE user_id = $1 AND id IS DISTINCT FROM $2 AND revoked_at IS NULL RETURNING id";
  static final String REFRESH_INSERT =
      "INSERT INTO identity.refresh_tokens (token_hash, tenant_id, family_id, expires_at) VALUES ($1, $2, $3, $4)";
  static final String REFRESH_FOR_UPDATE =
      "SELECT r.family_id, r.expires_at, r.used_at, f.user_id, f.revoked_at "
          + "FROM identity.refresh_tokens r JOIN identity.refresh_families f ON f.id = r.family_id "
          + "WHERE r.token_hash = $1 FOR UPDATE OF r, f";
  static final String REFRESH_MARK_USED = "UPDATE identity.refresh_tokens SET used_at = now() WHERE token_hash = $1";

  static final String API_TOKEN_INSERT =
      "INSERT INTO identity.api_tokens (id, tenant_id, user_id, name, role, token_hash) VALUES ($1, $2, $3, $4, $5, $6)";
  static final String API_TOKENS_OF_USER =
      "SELECT id, name, role, created_at, last_used_at FROM identity.api_tokens "
          + "WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id";
  static final String API_TOKEN_REVOKE =
      "UPDATE identity.api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL "
          + "RETURNING token_hash";
  static final String API_TOKENS_REVOKE_ALL_OF_USER =
      "UPDATE identity.api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING token_hash";
  static final String API_TOKEN_BY_HASH =
      "SELECT id, user_id, role, revoked_at IS NOT NULL AS revoked FROM identity.api_tokens WHERE token_hash = $1";
  static final String API_TOKEN_TOUCH = "UPDATE identity.api_tokens SET last_used_at = now() WHERE id = $1";
}

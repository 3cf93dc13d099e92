package io.keyway.config.db;

import java.util.List;

/**
 * The PostgreSQL schemas, one per module, in the order their migrations are applied. A module's
 * migrations live under {@code db/migration/<schema>/} and its first one is named {@code
 * V1__<schema>.sql}; a schema whose first migration is not on the classpath is skipped.
 */
public final class Schemas {
  private Schemas() {}

  public static final String IDENTITY = "identity";
  public static final String VAULT = "vault";
  public static final String LEDGER = "ledger";
  public static final String ENGINE = "engine";

  /** Application order. */
  public static final List<String> ORDER = List.of(IDENTITY, VAULT, LEDGER, ENGINE);

  /** The role the runtime pool logs in as: owns nothing, no SUPERUSER, no BYPASSRLS. */
  public static final String APP_ROLE = "keyway_app";

  /** The per-transaction setting row-level security reads the tenant from. */
  public static final String TENANT_SETTING = "keyway.tenant_id";
}

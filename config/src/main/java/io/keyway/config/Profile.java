package io.keyway.config;

/** How strict startup is about secrets and the database. */
public enum Profile {
  /** Generates missing secrets into the data dir and starts an embedded PostgreSQL. */
  DEV,
  /** Refuses to start without explicit secrets and {@code KEYWAY_DB_URL}. */
  PRODUCTION
}

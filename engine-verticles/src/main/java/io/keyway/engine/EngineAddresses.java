package io.keyway.engine;

import java.util.UUID;

/** Event-bus addresses of the engines, declared once. */
public final class EngineAddresses {
  private EngineAddresses() {}

  private static final String COMMAND_PREFIX = "engine.command.";

  /**
   * Request/reply, cluster-wide: commands to the one engine of an account ({@code place}, {@code
   * approve}, {@code reject}, {@code mode}, {@code kill}), handled one at a time in arrival order.
   */
  public static String command(UUID accountId) {
    return COMMAND_PREFIX + accountId;
  }

  /** Published: body {@code {accountId, tenantId}}; an account was created or changed. */
  public static final String ACCOUNT_CHANGED = "engine.account.changed";
}

package io.keyway.ledger;

import java.util.UUID;

/**
 * Names of the ledger's money accounts. A person's cash, a person's allocation to one trading
 * account, and the outside world (the other side of deposits and withdrawals, the only account
 * allowed below zero).
 */
public final class LedgerAccounts {
  private LedgerAccounts() {}

  public static final String EXTERNAL = "external";

  public static String cash(UUID userId) {
    return "user:" + userId + ":cash";
  }

  public static String allocation(UUID userId, UUID accountId) {
    return "user:" + userId + ":alloc:" + accountId;
  }

  /** The user's allocation prefix, for listing all of a user's allocations. */
  public static String allocationPrefix(UUID userId) {
    return "user:" + userId + ":alloc:";
  }
}

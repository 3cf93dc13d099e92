package io.keyway.ledger;

/** Event-bus addresses of the ledger, declared once. */
public final class LedgerAddresses {
  private LedgerAddresses() {}

  /**
   * Request/reply, node-local: body an {@link AppendRequest} (as {@link LedgerClient} sends it, by
   * reference) or its JSON, reply the {@link AppendResult} in the same form once the entry is
   * durable, or a failure whose code is an {@code ErrorCode} reply code.
   */
  public static final String APPEND = "ledger.append";

  /** Published after every committed batch: body {@code {tenantId, seq}} (the new head). */
  public static final String HEAD_ADVANCED = "ledger.head.advanced";
}

package io.keyway.ledger;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Event-bus addresses of the ledger, declared once. */
public final class LedgerAddresses {
  private LedgerAddresses() {}

  /**
   * The ledger's event loops on a node ({@link LedgerVerticle#deploy}: one writer instance each). Each
   * chain is held by one of them, so several chains use several cores while one writer per chain holds.
   */
  public static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /**
   * Request/reply, node-local, one address per ledger loop, {@code ledger.append.<loop>}; send to
   * {@link #append(UUID)}. Body an {@link AppendRequest} (as {@link LedgerClient} sends it, by
   * reference) or its JSON, reply the {@link AppendResult} in the same form once the entry is
   * durable, or a failure whose code is an {@code ErrorCode} reply code.
   */
  public static final String APPEND = "ledger.append";

  /** Published after every committed batch: body {@code {tenantId, seq}} (the new head). */
  public static final String HEAD_ADVANCED = "ledger.head.advanced";

  private static final String[] APPEND_LOOPS = new String[LOOPS];
  /** Which loop holds a chain: given out in turn as chains are first seen, so a few chains spread evenly. */
  private static final ConcurrentMap<UUID, Integer> LOOP_OF_CHAIN = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_LOOP = new AtomicInteger();

  static {
    for (int i = 0; i < LOOPS; i++) {
      APPEND_LOOPS[i] = APPEND + "." + i;
    }
  }

  /** The address of the ledger loop that writes {@code tenantId}'s chain (the same one for the life of the JVM). */
  public static String append(UUID tenantId) {
    return APPEND_LOOPS[LOOP_OF_CHAIN.computeIfAbsent(tenantId, t -> Math.floorMod(NEXT_LOOP.getAndIncrement(), LOOPS))];
  }

  /** The append address of loop {@code loop} (0 ≤ loop < {@link #LOOPS}). */
  static String appendLoop(int loop) {
    return APPEND_LOOPS[loop];
  }
}

package io.keyway.ledger;

import java.util.UUID;

/**
 * Entry ids in the UUID version 7 layout (RFC 9562): the creation time in milliseconds first, then
 * a counter within the millisecond, then 62 random bits. New ids land at the right-hand end of the
 * {@code id} index instead of at random pages of it, which keeps the unique index cheap to write
 * as the chain grows. Used on the ledger verticle's event loop only.
 */
final class EntryIds {
  private final java.util.SplittableRandom random = new java.util.SplittableRandom(new java.security.SecureRandom().nextLong());
  private long lastMillis;
  private int counter;

  UUID next() {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      counter = 0;
    } else if (++counter > 0xFFF) {
      // more than 4,096 ids in one millisecond: borrow the next millisecond, staying in order
      lastMillis++;
      counter = 0;
    }
    long high = (lastMillis << 16) | 0x7000L | counter;
    // 62 random bits with the RFC 9562 variant: from a generator seeded by SecureRandom (an id is no
    // secret, and UUID.randomUUID took a lock and a SecureRandom draw for every entry)
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}

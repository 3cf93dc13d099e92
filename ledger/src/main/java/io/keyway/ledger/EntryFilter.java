package io.keyway.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * Which entries to list: {@code kind} exact, or a family when it ends in {@code .*}
 * ({@code capital.*}); newest first, before {@code beforeSeq} when paging.
 */
public record EntryFilter(String kind, UUID userId, UUID accountId, Instant from, Instant to, Long beforeSeq, int limit) {
  public static final int MAX_LIMIT = 500;
  public static final int DEFAULT_LIMIT = 100;
}

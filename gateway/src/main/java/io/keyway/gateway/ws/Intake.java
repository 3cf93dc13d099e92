package io.keyway.gateway.ws;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The events a hub heard since its last drain, in arrival order. Once more than {@code behindAfter}
 * events arrived before a drain (the hub is behind), a balance about an account that still waits here
 * replaces the waiting one in place (the highest seq wins), so the hub sends each account's newest
 * balance once instead of every intermediate state; below that, every event is kept. An order event
 * is never merged nor skipped. Plain Java, used from one event loop.
 *
 * @param <T> what the event was heard on (the hub's tenant), handed back with it
 */
public final class Intake<T> {
  /** One waiting event. */
  public static final class Entry {
    private final Stream stream;
    private final UUID accountId;
    private long seq;
    private JsonObject event;

    Entry(Stream stream, UUID accountId, long seq, JsonObject event) {
      this.stream = stream;
      this.accountId = accountId;
      this.seq = seq;
      this.event = event;
    }

    public Stream stream() {
      return stream;
    }

    public UUID accountId() {
      return accountId;
    }

    public long seq() {
      return seq;
    }

    public JsonObject event() {
      return event;
    }
  }

  private List<T> sources = new ArrayList<>();
  private List<Entry> entries = new ArrayList<>();
  private List<T> spareSources = new ArrayList<>();
  private List<Entry> spareEntries = new ArrayList<>();
  private final Map<UUID, Entry> balanceWaiting = new HashMap<>();
  private final int behindAfter;
  private int offered;
  /** Whether {@code balanceWaiting} indexes the waiting balances (only once the hub is behind). */
  private boolean indexed;
  private long conflated;

  public Intake(int behindAfter) {
    this.behindAfter = behindAfter;
  }

  /** Files an event; answers false when it only replaced an older balance of the same account. */
  public boolean offer(T source, Stream stream, UUID accountId, long seq, JsonObject event) {
    offered++;
    if (offered > behindAfter && !indexed) {
      indexBalances(); // just fell behind: only now does a balance look for a waiting one
    }
    if (stream == Stream.BALANCE && indexed) {
      Entry waiting = balanceWaiting.get(accountId);
      if (waiting != null) {
        conflated++;
        if (seq >= waiting.seq) {
          waiting.seq = seq;
          waiting.event = event;
        }
        return false;
      }
    }
    Entry e = new Entry(stream, accountId, seq, event);
    if (stream == Stream.BALANCE && indexed) {
      balanceWaiting.put(accountId, e);
    }
    sources.add(source);
    entries.add(e);
    return true;
  }

  /**
   * Indexes the waiting balances by account, the last of each account winning, as if each had been indexed when
   * filed: a hub that keeps up never pays for the index (a map entry per event, and its cache misses).
   */
  private void indexBalances() {
    indexed = true;
    for (Entry e : entries) {
      if (e.stream == Stream.BALANCE) {
        balanceWaiting.put(e.accountId, e);
      }
    }
  }

  /** Hands every waiting event to {@code to}, oldest first, and forgets them. */
  public void drain(BiConsumer<T, Entry> to) {
    List<T> from = sources;
    List<Entry> drained = entries;
    // the lists of the drain before this one, emptied and kept: a drain allocates none
    sources = spareSources;
    entries = spareEntries;
    balanceWaiting.clear();
    indexed = false;
    offered = 0;
    try {
      for (int i = 0; i < drained.size(); i++) {
        to.accept(from.get(i), drained.get(i));
      }
    } finally {
      from.clear();
      drained.clear();
      spareSources = from;
      spareEntries = drained;
    }
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Balances replaced by a newer one since the last call. */
  public long takeConflated() {
    long n = conflated;
    conflated = 0;
    return n;
  }
}

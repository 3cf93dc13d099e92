package io.keyway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The publishers' stamps: each event's latency counts from when it was due, not from when it was made. */
class WsBenchDueTimeTest {
  private static final long START = 5_000_000_000L;

  @Test
  void eventsAreDueEvenlyOverEachSecond() {
    assertEquals(START, WsBench.dueNanos(START, 0, 30_000));
    assertEquals(START + 1_000_000_000L, WsBench.dueNanos(START, 30_000, 30_000), "the rate-th event is due a second on");
    assertEquals(START + 33_333L, WsBench.dueNanos(START, 1, 30_000));
    long previous = START;
    for (long k = 1; k < 100_000; k++) {
      long due = WsBench.dueNanos(START, k, 30_000);
      assertTrue(due > previous, "event " + k + " is due after event " + (k - 1));
      previous = due;
    }
  }

  @Test
  void aDayAtTheDefaultRateDoesNotOverflow() {
    long day = 86_400L * 30_000;
    assertEquals(START + 86_400_000_000_000L, WsBench.dueNanos(START, day, 30_000));
  }
}

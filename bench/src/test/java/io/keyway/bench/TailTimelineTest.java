package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TailTimelineTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  @DisplayName("only slices with a latency over the threshold are printed, with their counts and maximum, and the totals add up")
  void slowSlicesAndTotals() {
    long origin = 1_000_000_000L;
    String printed;
    try (TailTimeline timeline = new TailTimeline(origin, 2 * MS)) {
      for (int i = 0; i < 10; i++) {
        timeline.record(origin + i * MS, MS / 2);                               // slice 0: all fast
      }
      timeline.record(origin + 250 * MS, MS);                                   // slice 2: one fast,
      timeline.record(origin + 251 * MS, 3 * MS);                               // three slow
      timeline.record(origin + 252 * MS, 7 * MS);
      timeline.record(origin + 253 * MS, 5 * MS);
      timeline.record(origin + 12_345 * MS, 9 * MS);                            // slice 123, past the first array
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      timeline.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "open loop");
      printed = bytes.toString(StandardCharsets.UTF_8);
    }
    assertThat(printed).contains("+   0.2 s      4 resolves     3 over  max    7.00 ms")
        .contains("+  12.3 s      1 resolves     1 over  max    9.00 ms")
        .doesNotContain("+   0.0 s")
        .contains("4 of 15 resolves over 2.0 ms, in 2 slices");
  }
}

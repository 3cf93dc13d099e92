package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultParsingTest {

  @Test
  void readsWrksResultLineIncludingNon200sAndSocketErrors() throws IOException {
    String out = """
        Running 10s test @ http://127.0.0.1:1234/health
          1 threads and 32 connections
        KEYWAY_RESULT requests=500000 duration_us=10000000 non200=7 connect=1 read=2 write=3 timeout=4 p50_us=450 p99_us=2100
        """;

    PhaseResult r = WrkLoadGenerator.parse("health", 2, out);

    assertThat(r.requests()).isEqualTo(500_000);
    assertThat(r.requestsPerSecond()).isEqualTo(50_000.0);
    assertThat(r.p50Millis()).isEqualTo(0.45);
    assertThat(r.p99Millis()).isEqualTo(2.1);
    assertThat(r.non200()).isEqualTo(7);
    assertThat(r.ioErrors()).isEqualTo(10);
    assertThat(r.errors()).isEqualTo(17);
  }

  @Test
  void noResultLineIsAnError() {
    assertThatThrownBy(() -> WrkLoadGenerator.parse("health", 1, "unable to connect to 127.0.0.1:1\n"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void combinedRowsSumCountsAndKeepTheWorstRoundsPercentiles() {
    List<PhaseResult> results = List.of(
        new PhaseResult("me", 1, 300_000, Duration.ofSeconds(10), 0.7, 3.0, 0, 0),
        new PhaseResult("health", 1, 700_000, Duration.ofSeconds(10), 0.4, 2.0, 0, 0),
        new PhaseResult("me", 2, 100_000, Duration.ofSeconds(10), 1.2, 9.0, 1, 0));

    PhaseResult me = ResultTable.combined(results, "me");

    assertThat(me.requests()).isEqualTo(400_000);
    assertThat(me.requestsPerSecond()).isEqualTo(20_000.0);
    assertThat(me.p50Millis()).isEqualTo(1.2);
    assertThat(me.p99Millis()).isEqualTo(9.0);
    assertThat(me.non200()).isEqualTo(1);
  }

  @Test
  void theTargetNeedsThroughputLatencyAndNoErrors() {
    PhaseResult health = new PhaseResult("health", 0, 600_000, Duration.ofSeconds(10), 0.4, 2.0, 0, 0);
    PhaseResult fast = new PhaseResult("me", 0, 300_000, Duration.ofSeconds(10), 0.7, 4.0, 0, 0);
    PhaseResult slow = new PhaseResult("me", 0, 300_000, Duration.ofSeconds(10), 0.7, 12.0, 0, 0);
    PhaseResult failing = new PhaseResult("me", 0, 300_000, Duration.ofSeconds(10), 0.7, 4.0, 1, 0);
    PhaseResult few = new PhaseResult("me", 0, 150_000, Duration.ofSeconds(10), 0.7, 4.0, 0, 0);

    assertThat(new ResultTable.Summary(health, fast, 0.5).targetMet()).isTrue();
    assertThat(new ResultTable.Summary(health, slow, 0.5).targetMet()).isFalse();
    assertThat(new ResultTable.Summary(health, failing, 0.5).targetMet()).isFalse();
    assertThat(new ResultTable.Summary(health, few, 0.25).targetMet()).isFalse();
  }
}

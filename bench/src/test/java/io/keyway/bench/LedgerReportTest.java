package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerReportTest {
  private static final String DURABLE = Durability.DURABLE.label();
  private static final String FSYNC_OFF = Durability.FSYNC_OFF.label();

  private static LedgerPhase ledger(String server, int chains, long entriesIn10s, double p99, long errors) {
    return new LedgerPhase(server, LedgerPhase.LEDGER, chains, 256, entriesIn10s, Duration.ofSeconds(10), 1_000, 5,
        p99, errors, 0, 0);
  }

  private static LedgerPhase open(String server, int chains, long entriesIn10s, double p99, long errors) {
    return new LedgerPhase(server, LedgerPhase.OPEN, chains, 20_000, entriesIn10s, Duration.ofSeconds(10), 1_000, 5,
        p99, errors, 0, 0);
  }

  private static LedgerPhase baseline(String server, int chains, long rowsIn10s) {
    return new LedgerPhase(server, LedgerPhase.BASELINE, chains, chains, rowsIn10s, Duration.ofSeconds(10), 1_000, 3,
        6, 0, 0, 0);
  }

  private static LedgerPhase verify(long entries, Duration elapsed, long errors) {
    return new LedgerPhase(FSYNC_OFF, LedgerPhase.VERIFY, 1, 1, entries, elapsed, 0, Double.NaN, Double.NaN, errors, 1, 250);
  }

  @Test
  @DisplayName("every target is met when the durable ledger is fast, close to its baseline and quick to answer at the offered rate")
  void allMet() {
    List<LedgerPhase> phases = List.of(
        ledger(DURABLE, 1, 250_000, 50, 0), baseline(DURABLE, 1, 300_000), open(DURABLE, 1, 200_000, 15, 0),
        verify(1_000_000, Duration.ofMillis(800), 0));

    assertThat(LedgerReport.targets(phases)).extracting(LedgerReport.Target::met).containsOnly(true).hasSize(4);
  }

  @Test
  @DisplayName("each target is judged alone: slow, far from the baseline, late, or failing")
  void eachMissed() {
    List<LedgerPhase> phases = List.of(
        ledger(DURABLE, 1, 150_000, 15, 0), baseline(DURABLE, 1, 200_000), open(DURABLE, 1, 195_000, 15, 0),
        ledger(DURABLE, 4, 250_000, 15, 0), baseline(DURABLE, 4, 500_000), open(DURABLE, 4, 200_000, 25, 0),
        verify(1_000_000, Duration.ofMillis(2_000), 0));

    assertThat(LedgerReport.targets(phases)).extracting(LedgerReport.Target::met)
        .containsExactly(false, true, true, true, false, false, false);
  }

  @Test
  @DisplayName("an open loop the ledger fell behind misses the p99 target, however quick the answers it gave")
  void openLoopNotCarried() {
    List<LedgerPhase> phases = List.of(ledger(DURABLE, 1, 250_000, 50, 0), baseline(DURABLE, 1, 300_000),
        open(DURABLE, 1, 185_000, 15, 0));

    assertThat(LedgerReport.targets(phases).get(2).met()).isFalse();
  }

  @Test
  @DisplayName("errors miss the throughput and verify targets however fast the run was")
  void errorsMiss() {
    List<LedgerPhase> phases = List.of(
        ledger(DURABLE, 1, 250_000, 15, 1), baseline(DURABLE, 1, 300_000), open(DURABLE, 1, 200_000, 15, 1),
        verify(1_000_000, Duration.ofMillis(500), 1));

    List<LedgerReport.Target> targets = LedgerReport.targets(phases);

    assertThat(targets.get(0).met()).isFalse();
    assertThat(targets.get(2).met()).as("open-loop p99 with an error").isFalse();
    assertThat(targets.get(3).met()).isFalse();
  }

  @Test
  @DisplayName("the fsync off rows are for comparison: without a durable server the targets are missed")
  void fsyncOffIsNotTheTarget() {
    List<LedgerPhase> phases = List.of(ledger(FSYNC_OFF, 1, 900_000, 1, 0), baseline(FSYNC_OFF, 1, 900_000));

    assertThat(LedgerReport.targets(phases)).extracting(LedgerReport.Target::met).containsOnly(false);
  }

  @Test
  @DisplayName("a ledger phase is compared with the baseline of its own server and chain count")
  void ratioPairsPhases() {
    LedgerPhase one = ledger(DURABLE, 1, 120_000, 15, 0);
    LedgerPhase four = ledger(DURABLE, 4, 100_000, 15, 0);
    List<LedgerPhase> phases = List.of(baseline(FSYNC_OFF, 1, 1_000_000), one, baseline(DURABLE, 1, 200_000), four,
        baseline(DURABLE, 4, 400_000));

    assertThat(LedgerReport.ratio(one, LedgerReport.baselineOf(phases, one).orElseThrow())).isEqualTo(0.6);
    assertThat(LedgerReport.ratio(four, LedgerReport.baselineOf(phases, four).orElseThrow())).isEqualTo(0.25);
  }

  @Test
  @DisplayName("verification runs add up into one row: entries and time summed, errors kept")
  void verifyRunsCombine() {
    List<LedgerPhase> phases = List.of(verify(1_000_000, Duration.ofSeconds(4), 0),
        verify(1_000_000, Duration.ofSeconds(1), 1));

    LedgerPhase all = LedgerReport.verifyCombined(phases).orElseThrow();

    assertThat(all.entries()).isEqualTo(2_000_000);
    assertThat(all.entriesPerSecond()).isEqualTo(400_000.0);
    assertThat(all.errors()).isEqualTo(1);
    assertThat(all.checkpoints()).isEqualTo(2);
    assertThat(all.jitMillis()).isEqualTo(500);
  }

  @Test
  @DisplayName("the printed report names every target MET or MISSED")
  void printed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LedgerReport.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(
        ledger(DURABLE, 1, 250_000, 15, 0), baseline(DURABLE, 1, 300_000), open(DURABLE, 1, 199_000, 12.5, 0),
        verify(1_000_000, Duration.ofSeconds(2), 0)));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("ratio ledger/baseline entries/s, durable, 1 chain(s): 0.83");
    assertThat(out).containsPattern("durable +ledger +1 +256 +250,000 +25,000");
    assertThat(out).containsPattern("verify +all +1 +1,000,000 +500,000");
    assertThat(out).containsPattern("durable +open +1 +20000/s +199,000 +19,900");
    assertThat(out).contains("12.50 ms at 20,000/s: 19,900/s, 0 err");
    assertThat(out.lines().filter(l -> l.endsWith(" MET") || l.endsWith(" MISSED")).count()).isEqualTo(4);
  }
}

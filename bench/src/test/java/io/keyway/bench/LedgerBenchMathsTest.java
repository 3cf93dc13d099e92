package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerBenchMathsTest {

  @Test
  @DisplayName("rates are per second of the phase, and the batch is entries per write transaction")
  void ratesAndBatch() {
    LedgerPhase p = new LedgerPhase("durable", LedgerPhase.LEDGER, 1, 256, 250_000, Duration.ofSeconds(10), 2_000,
        4.0, 15.0, 0, 0, 0);

    assertThat(p.entriesPerSecond()).isEqualTo(25_000.0);
    assertThat(p.transactionsPerSecond()).isEqualTo(200.0);
    assertThat(p.averageBatch()).isEqualTo(125.0);
    assertThat(LedgerPhase.matchingBatchSize(p)).isEqualTo(125);
  }

  @Test
  @DisplayName("the reading that takes the second transaction id is not counted as the phase's")
  void transactionsBetweenReadings() {
    assertThat(LedgerPhase.writeTransactionsBetween(1_000, 1_801)).isEqualTo(800);
    assertThat(LedgerPhase.writeTransactionsBetween(1_000, 1_001)).isZero();
    assertThatThrownBy(() -> LedgerPhase.writeTransactionsBetween(1_000, 1_000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a phase with no transactions has no batch, and the baseline then writes one row at a time")
  void noTransactions() {
    LedgerPhase idle = new LedgerPhase("durable", LedgerPhase.LEDGER, 1, 256, 0, Duration.ofSeconds(10), 0, 0, 0, 0, 0, 0);

    assertThat(idle.averageBatch()).isZero();
    assertThat(LedgerPhase.matchingBatchSize(idle)).isEqualTo(1);
    assertThat(LedgerPhase.averageBatch(301, 2)).isEqualTo(150.5);
  }

  @Test
  @DisplayName("counters read around a phase give its write transactions, checkpoints and JIT time")
  void countersAroundAPhase() {
    PhaseCounters during = new PhaseCounters(5_000, 3, 12_000).until(new PhaseCounters(5_641, 4, 12_750));

    assertThat(during).isEqualTo(new PhaseCounters(640, 1, 750));
  }

  @Test
  @DisplayName("a multi-row VALUES list numbers its parameters row by row")
  void placeholders() {
    assertThat(BenchSql.placeholders(2, 3)).isEqualTo("($1, $2, $3), ($4, $5, $6)");
    assertThat(BenchSql.BASELINE_BLOCK_INSERT).endsWith("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    assertThatThrownBy(() -> BenchSql.placeholders(5_000, 14)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchSql.placeholders(0, 14)).isInstanceOf(IllegalArgumentException.class);
  }
}

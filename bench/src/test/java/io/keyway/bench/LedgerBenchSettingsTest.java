package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LedgerBenchSettingsTest {

  @Test
  @DisplayName("a number is read within its range, underscores allowed, the default when unset")
  void numbers() {
    assertThat(SystemProperties.intValue("bench.verifyEntries", "1_000_000", 5, 1, 10_000_000)).isEqualTo(1_000_000);
    assertThat(SystemProperties.intValue("bench.seconds", " 12 ", 10, 1, 300)).isEqualTo(12);
    assertThat(SystemProperties.intValue("bench.seconds", null, 10, 1, 300)).isEqualTo(10);
    assertThat(SystemProperties.intValue("bench.seconds", "", 10, 1, 300)).isEqualTo(10);
  }

  @Test
  @DisplayName("a value out of range or not a number fails naming the property")
  void badNumbers() {
    assertThatThrownBy(() -> SystemProperties.intValue("bench.inFlight", "0", 256, 1, 4096))
        .hasMessageContaining("-Dbench.inFlight must be from 1 to 4096");
    assertThatThrownBy(() -> SystemProperties.intValue("bench.inFlight", "many", 256, 1, 4096))
        .hasMessageContaining("-Dbench.inFlight must be a whole number");
    assertThatThrownBy(() -> SystemProperties.booleanValue("bench.accessLog", "maybe", true))
        .hasMessageContaining("-Dbench.accessLog must be true or false");
  }

  @Test
  @DisplayName("both servers by default, fsync off first; either alone on request")
  void servers() {
    assertThat(LedgerBenchSettings.servers("both")).containsExactly(Durability.FSYNC_OFF, Durability.DURABLE);
    assertThat(LedgerBenchSettings.servers(" Durable ")).containsExactly(Durability.DURABLE);
    assertThat(LedgerBenchSettings.servers("fsync-off")).containsExactly(Durability.FSYNC_OFF);
    assertThatThrownBy(() -> LedgerBenchSettings.servers("fast")).hasMessageContaining("-Dbench.servers");
  }

  @Test
  @DisplayName("each server loads the JIT warm-up, then a ledger, a baseline and an open-loop phase per chain count")
  void plannedLoad() {
    LedgerBenchSettings s = new LedgerBenchSettings(Duration.ofSeconds(10), Duration.ofSeconds(3),
        Duration.ofSeconds(10), 256, 20_000, 4, 8, 1_000_000, 1, 2, List.of(Durability.DURABLE));

    assertThat(s.chainCounts()).containsExactly(1, 4);
    assertThat(s.plannedLoadTimePerServer()).isEqualTo(Duration.ofSeconds(10 + 6 * 13));
  }
}

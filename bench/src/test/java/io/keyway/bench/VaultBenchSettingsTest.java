package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VaultBenchSettingsTest {

  private static VaultBenchSettings settings(int credentials, int tenants, int users) {
    return settings(credentials, tenants, users, 25_000);
  }

  private static VaultBenchSettings settings(int credentials, int tenants, int users, int headroomRate) {
    return new VaultBenchSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3),
        Duration.ofSeconds(10), 3, 128, 20_000, headroomRate, credentials, tenants, users, 8, 1, false, true, true);
  }

  @Test
  @DisplayName("the planned load: two JIT warm-ups, then per round a closed-loop, two open-loop and two decrypt phases with their warm-ups")
  void plannedLoadTime() {
    assertThat(settings(1_000, 10, 100).plannedLoadTime())
        .isEqualTo(Duration.ofSeconds(2 * 10 + 3 * (3 * 13 + 2 * 8)));
  }

  @Test
  @DisplayName("the open loop runs at the target rate, then at the headroom rate unless that is 0")
  void openRates() {
    assertThat(settings(1_000, 10, 100).openRates()).containsExactly(20_000, 25_000);
    assertThat(settings(1_000, 10, 100, 0).openRates()).containsExactly(20_000);
    assertThat(settings(1_000, 10, 100, 0).plannedLoadTime())
        .isEqualTo(Duration.ofSeconds(2 * 10 + 3 * (2 * 13 + 2 * 8)));
  }

  @Test
  @DisplayName("users must divide evenly over tenants, and credentials over users")
  void evenSpreadOnly() {
    assertThatThrownBy(() -> settings(1_000, 7, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bench.users");
    assertThatThrownBy(() -> settings(1_050, 10, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bench.credentials");
  }
}

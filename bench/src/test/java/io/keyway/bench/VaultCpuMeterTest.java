package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VaultCpuMeterTest {

  @Test
  @DisplayName("usage is CPU seconds per second; others are the machine's busy time less this JVM and PostgreSQL")
  void usageBetweenTwoReadings() {
    VaultCpuMeter.Reading from = new VaultCpuMeter.Reading(0, 1_000, 200, 5_000, 40, 0, 0, 0, 1_000, 500);
    VaultCpuMeter.Reading to = new VaultCpuMeter.Reading(10_000_000_000L, 2_500, 700, 7_100, 140, 9_000_000_000L,
        2_500_000_000L, 1_000_000_000L, 51_000, 20_500);

    VaultCpuMeter.Usage u = VaultCpuMeter.between(from, to);

    assertThat(u.jvm()).isCloseTo(1.5, within(1e-9));
    assertThat(u.postgres()).isCloseTo(0.5, within(1e-9));
    assertThat(u.others()).isCloseTo(0.1, within(1e-9));
    assertThat(u.vaultLoop()).isCloseTo(0.9, within(1e-9));
    assertThat(u.callerLoop()).isCloseTo(0.25, within(1e-9));
    assertThat(u.otherLoops()).isCloseTo(0.1, within(1e-9));
    assertThat(u.steal()).isCloseTo(0.1, within(1e-9));
    assertThat(u.jvmSleeps()).isCloseTo(5_000, within(1e-9));
    assertThat(u.postgresSleeps()).isCloseTo(2_000, within(1e-9));
  }

  @Test
  @DisplayName("others never go below zero when the JVM and PostgreSQL were counted a tick ahead of the machine")
  void othersNeverNegative() {
    VaultCpuMeter.Reading from = new VaultCpuMeter.Reading(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    VaultCpuMeter.Reading to = new VaultCpuMeter.Reading(1_000_000_000L, 101, 100, 200, 0, 0, 0, 0, 0, 0);

    assertThat(VaultCpuMeter.between(from, to).others()).isZero();
  }

  @Test
  @DisplayName("the mean over rounds weighs each round by how long it lasted")
  void meanWeighsByDuration() {
    VaultCpuMeter.Usage mean = VaultCpuMeter.mean(
        List.of(new VaultCpuMeter.Usage(1, 1, 1, 0, 1, 0, 0, 30, 10), new VaultCpuMeter.Usage(2, 0, 0, 0, 0, 0.4, 0.2, 0, 40)),
        List.of(Duration.ofSeconds(30), Duration.ofSeconds(10)));

    assertThat(mean.jvm()).isCloseTo(1.25, within(1e-9));
    assertThat(mean.vaultLoop()).isCloseTo(0.75, within(1e-9));
    assertThat(mean.others()).isCloseTo(0.1, within(1e-9));
    assertThat(mean.steal()).isCloseTo(0.05, within(1e-9));
    assertThat(mean.jvmSleeps()).isCloseTo(22.5, within(1e-9));
    assertThat(mean.postgresSleeps()).isCloseTo(17.5, within(1e-9));
  }
}

package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LastUseThrottleTest {
  private static final long MINUTE = 60_000_000_000L;

  @Test
  @DisplayName("a credential's last use is due at first, then not again until the interval has passed")
  void oncePerInterval() {
    LastUseThrottle throttle = new LastUseThrottle(MINUTE, 10);
    UUID id = UUID.randomUUID();
    assertThat(throttle.due(id, 0)).isTrue();
    assertThat(throttle.due(id, 1)).isFalse();
    assertThat(throttle.due(id, MINUTE - 1)).isFalse();
    assertThat(throttle.due(id, MINUTE)).isTrue();
    assertThat(throttle.due(id, MINUTE + 5)).isFalse();
  }

  @Test
  @DisplayName("it never remembers more than its capacity: the oldest are forgotten and are due again")
  void boundedByCapacity() {
    LastUseThrottle throttle = new LastUseThrottle(MINUTE, 100);
    UUID first = UUID.randomUUID();
    throttle.due(first, 0);
    for (int i = 1; i <= 10_000; i++) {
      assertThat(throttle.due(UUID.randomUUID(), i)).isTrue();
      assertThat(throttle.size()).isLessThanOrEqualTo(100);
    }
    assertThat(throttle.size()).isEqualTo(100);
    assertThat(throttle.due(first, 10_001)).as("forgotten, so due again within the interval").isTrue();
  }

  @Test
  @DisplayName("entries older than the interval are dropped, so one burst of credentials does not stay in memory")
  void forgetsExpiredEntries() {
    LastUseThrottle throttle = new LastUseThrottle(MINUTE, 100_000);
    for (int i = 0; i < 1_000; i++) {
      throttle.due(UUID.randomUUID(), i);
    }
    assertThat(throttle.size()).isEqualTo(1_000);
    throttle.due(UUID.randomUUID(), MINUTE + 1_000);
    assertThat(throttle.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an unlinked credential is forgotten at once")
  void forgetOnUnlink() {
    LastUseThrottle throttle = new LastUseThrottle(MINUTE, 10);
    UUID id = UUID.randomUUID();
    throttle.due(id, 0);
    throttle.forget(id);
    assertThat(throttle.size()).isZero();
    assertThat(throttle.due(id, 1)).isTrue();
  }
}

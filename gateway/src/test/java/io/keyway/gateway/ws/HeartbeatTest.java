package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private static final Duration PERIOD = Duration.ofSeconds(20);
  private static final Duration IDLE = Duration.ofSeconds(60);

  @Test
  @DisplayName("10,000 sockets that connect at once are pinged spread over the period, each once a period, none later")
  void spreadsPingsOfSocketsConnectedTogether() {
    Heartbeat hb = new Heartbeat(PERIOD, IDLE);
    assertThat(hb.lookEveryMillis()).isEqualTo(PERIOD.toMillis() / Heartbeat.LOOKS_PER_PERIOD);
    int n = 10_000;
    long start = 1_000_000_000L;
    long[] lastPing = new long[n];
    int[] pings = new int[n];
    for (int i = 0; i < n; i++) {
      lastPing[i] = hb.lastPingOfNew(start);
    }
    long look = TimeUnit.MILLISECONDS.toNanos(hb.lookEveryMillis());
    int looks = 2 * Heartbeat.LOOKS_PER_PERIOD;
    int most = 0;
    for (int k = 1; k <= looks; k++) {
      long now = start + k * look;
      int atThisLook = 0;
      for (int i = 0; i < n; i++) {
        if (hb.pingDue(lastPing[i], now)) {
          lastPing[i] = now; // as LiveSocket.tick does
          pings[i]++;
          atThisLook++;
        }
      }
      most = Math.max(most, atThisLook);
    }
    // a ping of all n at one look is what held the event loop; evenly spread is n / 80 = 125 a look
    assertThat(most).isLessThanOrEqualTo(2 * n / Heartbeat.LOOKS_PER_PERIOD);
    for (int i = 0; i < n; i++) {
      assertThat(pings[i]).as("socket %d over two periods", i).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a socket's first ping is due within one period of connecting, not sooner than its phase")
  void firstPingWithinOnePeriod() {
    Heartbeat hb = new Heartbeat(PERIOD, IDLE);
    long now = 5_000_000_000L;
    for (int i = 0; i < 1_000; i++) {
      long last = hb.lastPingOfNew(now);
      assertThat(now - last).isBetween(0L, PERIOD.toNanos() - 1);
      assertThat(hb.pingDue(last, last + PERIOD.toNanos())).isTrue();
      assertThat(hb.pingDue(last, last + PERIOD.toNanos() - 1)).isFalse();
    }
  }

  @Test
  @DisplayName("silent means nothing arrived for longer than the idle timeout")
  void silence() {
    Heartbeat hb = new Heartbeat(PERIOD, IDLE);
    assertThat(hb.silent(0, IDLE.toNanos())).isFalse();
    assertThat(hb.silent(0, IDLE.toNanos() + 1)).isTrue();
  }
}

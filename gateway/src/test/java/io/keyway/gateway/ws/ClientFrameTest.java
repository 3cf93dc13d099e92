package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFrameTest {
  @Test
  @DisplayName("the four ops parse; the tenant stream needs no account")
  void parses() {
    UUID id = UUID.randomUUID();
    assertThat(ClientFrame.parse("{\"op\":\"auth\",\"token\":\"t\"}")).contains(new ClientFrame.Auth("t"));
    assertThat(ClientFrame.parse("{\"op\":\"ping\"}")).contains(new ClientFrame.Ping());
    assertThat(ClientFrame.parse("{\"op\":\"subscribe\",\"stream\":\"orders\",\"accountId\":\"" + id + "\"}"))
        .contains(new ClientFrame.Subscribe(Stream.ORDERS, id));
    assertThat(ClientFrame.parse("{\"op\":\"unsubscribe\",\"stream\":\"tenant\"}"))
        .contains(new ClientFrame.Unsubscribe(Stream.TENANT, null));
    assertThat(new ClientFrame.Auth("secret-token").toString()).doesNotContain("secret-token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "[1]", "{", "{\"op\":null}", "{\"op\":\"auth\"}", "{\"op\":\"auth\",\"token\":5}",
      "{\"op\":\"subscribe\",\"stream\":\"balances\",\"accountId\":\"00000000-0000-0000-0000-000000000001\"}",
      "{\"op\":\"subscribe\",\"stream\":\"balance\",\"accountId\":\"1-1-1-1-1\"}", "{\"op\":\"subscribe\"}"})
  @DisplayName("anything else is malformed")
  void refuses(String text) {
    assertThat(ClientFrame.parse(text)).isEmpty();
  }

  @Test
  @DisplayName("100 malformed frames a minute are forgiven, the 101st is not; older ones age out")
  void malformedBudget() {
    MalformedFrames m = new MalformedFrames(100, java.time.Duration.ofMinutes(1));
    long t = 0;
    for (int i = 0; i < 100; i++) {
      assertThat(m.recordAndExceeded(t += 1_000_000)).isFalse();
    }
    assertThat(m.recordAndExceeded(t + 1_000_000)).isTrue();
    MalformedFrames slow = new MalformedFrames(100, java.time.Duration.ofMinutes(1));
    for (int i = 0; i < 300; i++) {
      assertThat(slow.recordAndExceeded(i * 1_000_000_000L)).isFalse(); // one a second
    }
  }
}

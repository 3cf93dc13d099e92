package io.keyway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretBytesTest {
  @Test
  @DisplayName("derive is HMAC-SHA256 of the label under the key (RFC 4231, test case 2), and leaves the key as it was")
  void deriveIsHmacSha256() {
    SecretBytes key = new SecretBytes("Jefe".getBytes(StandardCharsets.UTF_8));
    assertThat(HexFormat.of().formatHex(key.derive("what do ya want for nothing?")))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(key.copy()).isEqualTo("Jefe".getBytes(StandardCharsets.UTF_8));
    assertThat(key.derive("keyway/a/v1")).hasSize(32).isNotEqualTo(key.derive("keyway/b/v1"));
  }
}

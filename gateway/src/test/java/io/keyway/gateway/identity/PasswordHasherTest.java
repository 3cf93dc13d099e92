package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  @DisplayName("hashes are Argon2id at OWASP's parameters, salted, and verify only the right password")
  void roundTrip() {
    String h = hasher.hash("correct horse battery");
    assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.hash("correct horse battery")).isNotEqualTo(h);
    assertThat(hasher.verify("correct horse battery", h)).isTrue();
    assertThat(hasher.verify("correct horse batterY", h)).isFalse();
    assertThat(hasher.verify("", h)).isFalse();
  }

  @Test
  @DisplayName("a hash made with other parameters still verifies (they are read from the string)")
  void parametersTravelWithTheHash() {
    String weak = new PasswordHasher(1024, 1).hash("pw-123456789");
    assertThat(weak).contains("m=1024,t=1");
    assertThat(hasher.verify("pw-123456789", weak)).isTrue();
  }

  @Test
  @DisplayName("a malformed stored hash never verifies and never throws")
  void malformed() {
    for (String bad : new String[] {"", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=x,t=2,p=1$AA$AA",
        "$argon2id$v=19$m=4,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!", "plaintext"}) {
      assertThat(hasher.verify("anything", bad)).as(bad).isFalse();
    }
  }
}

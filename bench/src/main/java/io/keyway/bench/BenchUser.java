package io.keyway.bench;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The one account the benchmark signs in as: a fresh random password, no forced reset. */
record BenchUser(String tenant, String email, String password) {

  static BenchUser random() {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    return new BenchUser("bench", "bench@keyway.invalid", HexFormat.of().formatHex(secret));
  }

  @Override
  public String toString() {
    return "BenchUser[" + email + " in " + tenant + "]";
  }
}

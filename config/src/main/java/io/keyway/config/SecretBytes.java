package io.keyway.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key material held in memory. It never prints itself: {@code toString} is masked, so a secret
 * that slips into a log line or an exception message shows up as {@code SecretBytes[***]}.
 */
public final class SecretBytes {
  private final byte[] bytes;

  public SecretBytes(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  /** A copy of the bytes; the caller should clear it when done. */
  public byte[] copy() {
    return bytes.clone();
  }

  /**
   * A key of its own for one use, derived from this one: the HMAC-SHA256 of {@code label} under these bytes (32 bytes;
   * the caller should clear it when done). Each use names itself with a label of its own ({@code keyway/<module>/<use>/v1}),
   * so no derived key tells anything about another or about this one.
   */
  public byte[] derive(String label) {
    byte[] key = copy();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBytes other && java.security.MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SecretBytes[***]";
  }
}

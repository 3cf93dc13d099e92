package io.keyway.config;

import java.util.Arrays;

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

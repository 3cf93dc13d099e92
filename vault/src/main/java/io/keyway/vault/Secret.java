package io.keyway.vault;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Plaintext key material in memory. It never prints itself ({@code toString} is masked), it cannot
 * be sent over a clustered event bus (its codec refuses the wire, see {@link SecretCodec}), and its
 * bytes can be cleared once used. Read it only through {@link #use}.
 */
public final class Secret implements AutoCloseable {
  private final byte[] bytes;
  private volatile boolean cleared;

  private Secret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes ownership of {@code bytes} (the caller must not keep or reuse the array). */
  public static Secret adopt(byte[] bytes) {
    return new Secret(bytes);
  }

  public static Secret of(String plaintext) {
    return new Secret(plaintext.getBytes(StandardCharsets.UTF_8));
  }

  /** Hands the bytes to {@code f} without copying them out; f must not keep a reference. */
  public <T> T use(Function<byte[], T> f) {
    if (cleared) {
      throw new IllegalStateException("this secret was already cleared");
    }
    return f.apply(bytes);
  }

  /** The plaintext as a String, for an HTTP header to a venue: the one place it becomes text. */
  public String reveal() {
    return use(b -> new String(b, StandardCharsets.UTF_8));
  }

  public int length() {
    return bytes.length;
  }

  /** Overwrites the bytes with zeros; the secret is unusable afterwards. */
  @Override
  public void close() {
    cleared = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}

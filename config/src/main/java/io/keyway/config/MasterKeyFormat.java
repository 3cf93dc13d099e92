package io.keyway.config;

import java.util.Base64;
import java.util.HexFormat;

/** The two spellings of a 32-byte master key: 64 hex characters or 44 base64 characters. */
public final class MasterKeyFormat {
  /** Bytes in a master key. */
  public static final int KEY_BYTES = 32;

  private MasterKeyFormat() {}

  /** Decodes the key or throws a {@link ConfigException} naming {@code key}; never echoes the value. */
  public static SecretBytes parse(String key, String raw) {
    String s = raw.trim();
    byte[] bytes;
    if (s.length() == 64 && s.chars().allMatch(MasterKeyFormat::isHex)) {
      bytes = HexFormat.of().parseHex(s);
    } else if (s.length() == 44) {
      try {
        bytes = Base64.getDecoder().decode(s.replace('-', '+').replace('_', '/'));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, "is 44 characters but not valid base64");
      }
    } else {
      throw new ConfigException(key, "must be 32 bytes written as 64 hex or 44 base64 characters (got "
          + s.length() + " characters)");
    }
    if (bytes.length != KEY_BYTES) {
      throw new ConfigException(key, "decodes to " + bytes.length + " bytes; it must be 32");
    }
    SecretBytes secret = new SecretBytes(bytes);
    java.util.Arrays.fill(bytes, (byte) 0);
    return secret;
  }

  public static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }

  public static String base64(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

package io.keyway.vault;

import io.keyway.errors.KeywayException;
import java.util.List;
import java.util.regex.Pattern;

/** The venues the gateway knows credentials for, and the shape of what may be stored. */
public final class Providers {
  /** Providers accepted in {@code POST /api/account/keys}. */
  public static final List<String> KNOWN = List.of("alpaca", "binance", "coinbase", "kraken", "okx");
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9_-]{1,64}$");
  private static final Pattern PRINTABLE = Pattern.compile("^[\\x21-\\x7e]+$");

  private Providers() {}

  public static String provider(String field, String raw) {
    if (!KNOWN.contains(raw)) {
      throw KeywayException.badField(field, "must be one of " + String.join(", ", KNOWN));
    }
    return raw;
  }

  public static String label(String field, String raw) {
    if (!LABEL.matcher(raw).matches()) {
      throw KeywayException.badField(field, "must be 1-64 of a-z, 0-9, _ and -");
    }
    return raw;
  }

  /** A key id: 8-256 visible ASCII characters (never echoed back in the error). */
  public static String keyId(String field, String raw) {
    if (raw.length() < 8 || raw.length() > 256 || !PRINTABLE.matcher(raw).matches()) {
      throw KeywayException.badField(field, "must be 8-256 visible ASCII characters");
    }
    return raw;
  }

  /** A secret: 8-1024 visible ASCII characters (never echoed back in the error). */
  public static String secret(String field, String raw) {
    if (raw.length() < 8 || raw.length() > 1024 || !PRINTABLE.matcher(raw).matches()) {
      throw KeywayException.badField(field, "must be 8-1024 visible ASCII characters");
    }
    return raw;
  }

  /** {@code PKGP…44F}: the first 4 and last 3 characters of the key id, never of the secret. */
  public static String mask(String keyId) {
    return keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 3);
  }
}

package io.keyway.gateway.identity;

import io.keyway.errors.KeywayException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The rules for what people type: emails, names, passwords. Each failure names its field. */
public final class Validation {
  /** Shortest password accepted (NIST SP 800-63B recommends 15 for single-factor; 12 is our floor). */
  public static final int PASSWORD_MIN = 12;
  public static final int PASSWORD_MAX = 128;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{1,63}$");

  private Validation() {}

  public static String email(String field, String raw) {
    String e = raw.strip().toLowerCase(Locale.ROOT);
    if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
      throw KeywayException.badField(field, "must be an email address");
    }
    return e;
  }

  public static String displayName(String field, String raw) {
    return printable(field, raw, 100);
  }

  public static String newPassword(String field, String raw) {
    int n = raw.codePointCount(0, raw.length());
    if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
      throw KeywayException.badField(field, "must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters");
    }
    return raw;
  }

  public static String tenantName(String field, String raw) {
    return printable(field, raw, 64);
  }

  public static String tokenName(String field, String raw) {
    return printable(field, raw, 64);
  }

  /** Trimmed text of 1 to {@code max} characters with no control characters. */
  private static String printable(String field, String raw, int max) {
    String s = raw.strip();
    if (s.isEmpty() || s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
      throw KeywayException.badField(field, "must be 1-" + max + " printable characters");
    }
    return s;
  }
}

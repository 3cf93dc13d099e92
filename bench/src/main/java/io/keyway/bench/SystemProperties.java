package io.keyway.bench;

import java.util.Locale;

/**
 * Reads the benchmarks' {@code -Dbench.*} settings. Every number has a range, so a run always stops
 * by itself, and a value out of range fails the run before anything starts, naming the property.
 */
final class SystemProperties {
  private SystemProperties() {}

  static int intProperty(String name, int fallback, int min, int max) {
    return intValue(name, System.getProperty(name), fallback, min, max);
  }

  static boolean booleanProperty(String name, boolean fallback) {
    return booleanValue(name, System.getProperty(name), fallback);
  }

  /** {@code raw} as a whole number from {@code min} to {@code max}; {@code fallback} when unset. */
  static int intValue(String name, String raw, int fallback, int min, int max) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(raw.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be a whole number (got '" + raw + "')");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("-D" + name + " must be from " + min + " to " + max + " (got " + value + ")");
    }
    return value;
  }

  static boolean booleanValue(String name, String raw, boolean fallback) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new IllegalArgumentException("-D" + name + " must be true or false (got '" + raw + "')");
    };
  }
}

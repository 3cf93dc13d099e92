package io.keyway.config;

/** A configuration problem, phrased as one line that names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The configuration key at fault, or a pseudo-key such as {@code --config}. */
  public String key() {
    return key;
  }
}

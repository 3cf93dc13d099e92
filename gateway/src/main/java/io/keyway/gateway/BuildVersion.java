package io.keyway.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version this gateway was built as (MCP's {@code serverInfo.version}), from a resource
 * the Maven build fills in; {@code "dev"} when that resource was not filtered, as when the classes run
 * straight from an IDE's output.
 */
public final class BuildVersion {
  /** The answer when no build put its version in. */
  public static final String DEV = "dev";
  private static final String RESOURCE = "version.properties";
  private static final String CURRENT = read();

  private BuildVersion() {}

  public static String current() {
    return CURRENT;
  }

  private static String read() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return DEV;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").strip();
      return v.isEmpty() || v.contains("${") ? DEV : v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}

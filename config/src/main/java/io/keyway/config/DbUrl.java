package io.keyway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code postgresql://user:pass@host:port/db}. The password never prints: {@link
 * #toString()} masks it, and parse errors never echo the URL.
 */
public record DbUrl(String host, int port, String database, String user, String password) {

  /** Parses the URL, naming {@code key} in the error when it is not a usable PostgreSQL URL. */
  public static DbUrl parse(String key, String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not a URL (expected postgresql://user:pass@host:port/db)");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
      throw new ConfigException(key, "scheme must be postgresql:// (expected postgresql://user:pass@host:port/db)");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new ConfigException(key, "has no host (expected postgresql://user:pass@host:port/db)");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new ConfigException(key, "has no database name (expected postgresql://user:pass@host:port/db)");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isBlank()) {
      throw new ConfigException(key, "has no user (expected postgresql://user:pass@host:port/db)");
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new ConfigException(key, "port must be 1-65535");
    }
    return new DbUrl(uri.getHost(), port, decode(path.substring(1)), user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The same server and credentials, another database. */
  public DbUrl withDatabase(String otherDatabase) {
    return new DbUrl(host, port, otherDatabase, user, password);
  }

  /** The same server and database, other credentials. */
  public DbUrl withCredentials(String otherUser, String otherPassword) {
    return new DbUrl(host, port, database, otherUser, otherPassword);
  }

  /**
   * The URL with its password, in the form {@link #parse} reads, for handing to configuration
   * (tests, benchmarks). Never log it: {@link #toString()} is the loggable form.
   */
  public String unmasked() {
    return "postgresql://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + database;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A JDBC URL without credentials (they go as properties). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
  }
}

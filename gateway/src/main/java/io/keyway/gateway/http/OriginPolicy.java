package io.keyway.gateway.http;

import io.keyway.config.ConfigException;
import io.keyway.config.ConfigKeys;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule for a browser's {@code Origin} on {@code /ws} and {@code /mcp} (API.md, MCP.md): an
 * origin is allowed when it is one of {@code KEYWAY_ALLOWED_ORIGINS}, or, when that is not set, when it
 * is the gateway's own origin. Origins compare as scheme, host and port: scheme and host ignore case,
 * and a default port (80 for http, 443 for https) counts the same written or not.
 */
public final class OriginPolicy {
  /** A normalised origin: lower-case scheme and host, explicit port. */
  private record Origin(String scheme, String host, int port) {}

  private final Set<Origin> listed;

  private OriginPolicy(Set<Origin> listed) {
    this.listed = listed;
  }

  /** The policy of {@code KEYWAY_ALLOWED_ORIGINS}; an entry that is not an http(s) origin is a configuration error. */
  public static OriginPolicy of(List<String> allowedOrigins) {
    return new OriginPolicy(allowedOrigins.stream().map(o -> parse(o).orElseThrow(() -> new ConfigException(
        ConfigKeys.ALLOWED_ORIGINS, "'" + o + "' is not an origin (http or https://host[:port])")))
        .collect(Collectors.toUnmodifiableSet()));
  }

  /**
   * Whether the request carries an {@code Origin} this policy does not allow (a 403 on both
   * endpoints). No {@code Origin} is not refused: non-browser clients (MCP agents, scripts) send none,
   * and API.md and MCP.md both accept it.
   */
  public boolean refuses(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    HostAndPort authority = request.authority();
    return origin != null && !allows(origin, authority == null ? null : authority.toString());
  }

  /**
   * Whether a request that came with {@code origin} and {@code host} (its {@code Host} header or
   * HTTP/2 authority, may be null) is allowed.
   */
  boolean allows(String origin, String host) {
    Optional<Origin> o = parse(origin);
    if (o.isEmpty()) {
      return false; // "null" (an opaque origin) or anything malformed
    }
    if (!listed.isEmpty()) {
      return listed.contains(o.get());
    }
    return host != null && sameOrigin(o.get(), host);
  }

  /**
   * The gateway's own origin as the browser addressed it. The scheme is not compared: TLS usually
   * terminates at a proxy in front of the gateway, so a page served over https reaches it as plain
   * http, and the request's own scheme says nothing about the page's. The port is: {@code Host}
   * carries the port the browser used, or none for its scheme's default.
   */
  private static boolean sameOrigin(Origin o, String host) {
    Optional<Origin> addressed = parse(o.scheme() + "://" + host);
    return addressed.isPresent() && addressed.get().equals(o);
  }

  private static Optional<Origin> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.strip());
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      int defaultPort = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
      if (defaultPort < 0 || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
          || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
        return Optional.empty();
      }
      return Optional.of(new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT),
          uri.getPort() < 0 ? defaultPort : uri.getPort()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}

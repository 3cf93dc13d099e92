package io.keyway.bench;

import java.util.Optional;

/**
 * One endpoint to load: a GET on the gateway over loopback, with or without a bearer token.
 *
 * @param phase the name the result table shows
 */
record LoadTarget(String phase, String host, int port, String path, Optional<String> bearerToken) {

  String url() {
    return "http://" + host + ":" + port + path;
  }

  /** The {@code Authorization} header value, when this target sends one. */
  Optional<String> authorization() {
    return bearerToken.map(token -> "Bearer " + token);
  }
}

package io.keyway.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x options every node starts from (the benchmarks' nodes too): Netty's native epoll
 * transport where it loads, which wakes an idle event loop with fewer system calls than the JDK's
 * selector (docs/decisions/0009). Vert.x falls back to the JDK transport by itself elsewhere.
 */
public final class NodeVertx {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVertx.class);

  private NodeVertx() {}

  /** Fresh options with the native transport preferred; callers add metrics, clustering and the like. */
  public static VertxOptions options() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /** Logs once, at start, which transport {@code vertx} runs on. */
  public static void logTransport(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("Netty native transport enabled");
    } else {
      LOG.info("Netty native transport unavailable, using the JDK transport: {}",
          vertx.unavailableNativeTransportCause() == null ? "not asked for" : vertx.unavailableNativeTransportCause().toString());
    }
  }
}

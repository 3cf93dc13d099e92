package io.keyway.gateway.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The WebSocket figures on {@code /metrics}. Counters are looked up by name, so every HTTP instance
 * of a node shares the same meters; the open-connections gauge is derived from two of them for the
 * same reason. One instance per HTTP verticle instance: frames written are counted in a plain field
 * on its event loop and added to the shared counter once per drain, not once per frame.
 */
final class WsMetrics {
  final Counter opened;
  final Counter closed;
  final Counter sent;
  final Counter conflated;
  final Counter dropped;
  final Counter slowConsumers;
  final Counter malformed;
  final Counter identityRechecks;
  private long sentNotPublished;

  WsMetrics(MeterRegistry registry) {
    opened = Counter.builder("keyway.ws.connections.opened").description("WebSocket connections accepted")
        .register(registry);
    closed = Counter.builder("keyway.ws.connections.closed").description("WebSocket connections closed")
        .register(registry);
    sent = Counter.builder("keyway.ws.messages.sent").description("frames written to WebSocket clients")
        .register(registry);
    conflated = Counter.builder("keyway.ws.messages.conflated")
        .description("balance pushes replaced by a newer one before a slow reader took them").register(registry);
    dropped = Counter.builder("keyway.ws.messages.dropped")
        .description("frames discarded when a too-slow socket was closed").register(registry);
    slowConsumers = Counter.builder("keyway.ws.slow.consumers")
        .description("sockets closed 1013 for not keeping up with order events").register(registry);
    malformed = Counter.builder("keyway.ws.frames.malformed").description("client frames answered bad_request")
        .register(registry);
    identityRechecks = Counter.builder("keyway.ws.identity.rechecks")
        .description("sockets that authenticated again after an identity change").register(registry);
    registry.gauge("keyway.ws.connections", registry, r -> opened.count() - closed.count());
  }

  /** One frame written (from the owning event loop). */
  void sentOne() {
    sentNotPublished++;
  }

  /** Adds the frames written since the last call to the shared counter. */
  void publishSent() {
    if (sentNotPublished > 0) {
      sent.increment(sentNotPublished);
      sentNotPublished = 0;
    }
  }
}

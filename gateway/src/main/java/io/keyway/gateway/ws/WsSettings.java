package io.keyway.gateway.ws;

import java.time.Duration;

/**
 * The limits of {@code /ws}. API.md fixes the auth deadline (5 s) and the malformed-frame budget
 * (100 a minute); the rest are ours.
 *
 * @param authTimeout      the first frame must authenticate within this, else close 4401
 * @param heartbeat        a server ping goes out this often
 * @param idleTimeout      a socket from which nothing (not even a pong) arrived for this long closes (1001)
 * @param outboxCapacity   in-order frames (order events, answers) a socket may have waiting; one more closes it 1013
 * @param writeQueueBytes  the transport's write queue per socket before our outbox holds frames
 * @param maxFrameBytes    a client message above this answers {@code payload_too_large} and closes 1009; the
 *                         transport drops a connection outright above four times this
 * @param malformedPerMinute malformed frames forgiven per minute; one more closes 1008
 */
public record WsSettings(Duration authTimeout, Duration heartbeat, Duration idleTimeout, int outboxCapacity,
    int writeQueueBytes, int maxFrameBytes, int malformedPerMinute) {

  public static final WsSettings DEFAULTS = new WsSettings(Duration.ofSeconds(5), Duration.ofSeconds(20),
      Duration.ofSeconds(60), 1024, 64 * 1024, 16 * 1024, 100);
}

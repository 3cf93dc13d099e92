package io.keyway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a node joins the cluster (with {@code serve --cluster}) and how engines are placed.
 *
 * @param enabled whether this node is clustered ({@code --cluster})
 * @param members Hazelcast TCP/IP join members, {@code host:port}
 * @param host the address Hazelcast and the event bus bind to and announce
 * @param port Hazelcast's port
 * @param busPort the clustered event bus's port (0: any free one)
 * @param tlsKeystore a PKCS#12 keystore (also the truststore): the event bus then runs over TLS
 * @param tlsPassword its password
 * @param nodeId this node's name in engine placement
 * @param leaseTtl how long an account's lease lasts unrenewed, and a silent node counts as live
 */
public record ClusterSettings(
    boolean enabled,
    List<String> members,
    String host,
    int port,
    int busPort,
    Optional<Path> tlsKeystore,
    Optional<SecretBytes> tlsPassword,
    String nodeId,
    Duration leaseTtl) {

  public ClusterSettings withEnabled(boolean on) {
    return new ClusterSettings(on, members, host, port, busPort, tlsKeystore, tlsPassword, nodeId, leaseTtl);
  }
}

package io.keyway.gateway;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.keyway.config.ClusterSettings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;

/**
 * Turns {@link ClusterSettings} into a Hazelcast cluster manager (TCP/IP join with the configured
 * members, multicast and auto-detection off, bound to one address) and event-bus options (bound to
 * the same address; over mutual TLS when a keystore is configured).
 */
final class ClusterSetup {
  private ClusterSetup() {}

  static HazelcastClusterManager clusterManager(ClusterSettings s) {
    Config hz = new Config();
    hz.setClusterName("keyway");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a member that stops answering is dropped within seconds, not the default minute
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    // a member dropped that way (a long pause, a frozen process) that comes back is a split brain of its own;
    // look for one to heal every 10 s instead of first after 300 s, so it rejoins in seconds, not minutes
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    var network = hz.getNetworkConfig();
    network.setPort(s.port()).setPortAutoIncrement(false);
    network.setPublicAddress(s.host() + ":" + s.port());
    network.getInterfaces().setEnabled(true).addInterface(s.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    var tcp = join.getTcpIpConfig().setEnabled(true);
    s.members().forEach(tcp::addMember);
    if (s.members().isEmpty()) {
      tcp.addMember(s.host() + ":" + s.port());
    }
    return new HazelcastClusterManager(hz);
  }

  static EventBusOptions eventBus(ClusterSettings s) {
    EventBusOptions bus = new EventBusOptions().setHost(s.host()).setPort(s.busPort()).setClusterPublicHost(s.host());
    if (s.tlsKeystore().isPresent()) {
      String password = new String(s.tlsPassword().orElseThrow().copy(), StandardCharsets.UTF_8);
      PfxOptions store = new PfxOptions().setPath(s.tlsKeystore().get().toString()).setPassword(password);
      bus.setSsl(true).setKeyCertOptions(store).setTrustOptions(store).setClientAuth(ClientAuth.REQUIRED);
    }
    return bus;
  }
}

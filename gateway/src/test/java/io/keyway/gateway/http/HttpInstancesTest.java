package io.keyway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.Node;
import io.vertx.core.DeploymentOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP verticle's instances share one port even when the configured port is 0 (any free port, as in
 * tests and benchmarks): a connection may land on any instance, so /ws's sockets spread over their event loops.
 */
@Timeout(120)
class HttpInstancesTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of());

  @Test
  @DisplayName("instances deployed with port 0 all listen on the node's one random port, not each on a port of its own")
  void instancesShareTheRandomPort() throws Exception {
    Node node = GATEWAY.gateway().node();
    List<HttpVerticle> started = new CopyOnWriteArrayList<>();
    String id = node.vertx().deployVerticle(() -> {
      HttpVerticle v = new HttpVerticle(node.services());
      started.add(v);
      return v;
    }, new DeploymentOptions().setInstances(2)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      assertThat(started).hasSize(2);
      assertThat(started).extracting(HttpVerticle::actualPort).containsOnly(node.httpPort());
    } finally {
      node.vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}

package io.keyway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real clustered nodes on 127.0.0.1 (Hazelcast TCP/IP join) over one PostgreSQL. */
@Timeout(180)
class ClusterMembershipTest {
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> clusterEnv(String nodeId, int port, int... memberPorts) {
    StringBuilder members = new StringBuilder();
    for (int p : memberPorts) {
      members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
    }
    return Map.of(ConfigKeys.CLUSTER_PORT, String.valueOf(port), ConfigKeys.CLUSTER_MEMBERS, members.toString(),
        ConfigKeys.NODE_ID, nodeId, ConfigKeys.CLUSTER_HOST, "127.0.0.1");
  }

  @Test
  @DisplayName("two nodes form one cluster, /ready reports the membership, events cross, a leaver is dropped")
  void membership() {
    TestPostgres.TestDatabase db = TestPostgres.freshDatabase();
    int pa = freePort();
    int pb = freePort();
    TestGateway a = TestGateway.startClustered(db, clusterEnv("node-a", pa, pa, pb));
    TestGateway b = TestGateway.startClustered(db, clusterEnv("node-b", pb, pa, pb));
    try {
      TestGateway.eventually(30_000, () -> members(a) == 2 && members(b) == 2);
      JsonObject ready = a.api().get("/ready", null).json();
      assertThat(ready.getJsonObject("cluster").getBoolean("enabled")).isTrue();
      assertThat(ready.getJsonObject("cluster").getBoolean("active")).isTrue();

      var received = new CopyOnWriteArrayList<String>();
      b.node().vertx().eventBus().<String>consumer("test.cluster.ping", m -> received.add(m.body()))
          .completion().toCompletionStage().toCompletableFuture().join();
      TestGateway.eventually(10_000, () -> {
        a.node().vertx().eventBus().publish("test.cluster.ping", "from-a");
        return received.contains("from-a");
      });
    } finally {
      a.close();
    }
    try {
      TestGateway.eventually(30_000, () -> members(b) == 1);
    } finally {
      b.close();
    }
  }

  private static int members(TestGateway gw) {
    var r = gw.api().get("/ready", null);
    return r.status() == 200 ? r.json().getJsonObject("cluster").getInteger("members") : -1;
  }
}

package io.keyway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.engine.StreamAddresses;
import io.keyway.engine.StreamEvents;
import io.keyway.gateway.ws.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
  void membership() throws Exception {
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

      // revocations apply cluster-wide: a token revoked through node A stops working on node B,
      // and B's socket authenticated with it closes, within a second
      TestGateway.Session bot = a.signedIn("cm", "bot@cm.test", Role.OPERATOR);
      JsonObject token = a.api().post("/api/account/tokens", bot.accessToken(), new JsonObject().put("name", "agent")).json();
      String apiToken = token.getString("token");
      assertThat(b.api().get("/api/account/me", apiToken).status()).isEqualTo(200);
      try (WsClient onB = WsClient.ready(a.node().vertx(), b.node().httpPort(), apiToken)) {
        long t0 = System.nanoTime();
        assertThat(a.api().delete("/api/account/tokens/" + token.getString("id"), bot.accessToken()).status()).isEqualTo(204);
        assertThat(onB.closeCode(Duration.ofSeconds(1))).isEqualTo((short) 4401);
        TestGateway.eventually(1_000 - (System.nanoTime() - t0) / 1_000_000,
            () -> b.api().get("/api/account/me", apiToken).status() == 401);
      }

      var received = new CopyOnWriteArrayList<String>();
      b.node().vertx().eventBus().<String>consumer("test.cluster.ping", m -> received.add(m.body()))
          .completion().toCompletionStage().toCompletableFuture().join();
      TestGateway.eventually(10_000, () -> {
        a.node().vertx().eventBus().publish("test.cluster.ping", "from-a");
        return received.contains("from-a");
      });

      // stream events cross nodes as their JSON (StreamEvents' codec, registered by B's /ws hub at start)
      String stream = StreamAddresses.tenant(UUID.randomUUID());
      var events = new CopyOnWriteArrayList<JsonObject>();
      b.node().vertx().eventBus().<JsonObject>consumer(stream, m -> events.add(m.body()))
          .completion().toCompletionStage().toCompletableFuture().join();
      JsonObject balance = new JsonObject().put("type", "balance").put("accountId", UUID.randomUUID().toString())
          .put("seq", 3L).put("cash", "10.00").put("equity", "12.00");
      TestGateway.eventually(10_000, () -> {
        StreamEvents.publish(a.node().vertx(), stream, balance.copy());
        return !events.isEmpty();
      });
      assertThat(events.get(0)).isEqualTo(balance);
    } finally {
      a.close();
    }
    try {
      TestGateway.eventually(30_000, () -> members(b) == 1);
    } finally {
      b.close();
    }
  }

  @Test
  @DisplayName("with a keystore configured, the clustered event bus runs over mutual TLS and events still cross")
  void tlsEventBus(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("bus.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "bus", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=keyway-bus",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "bus-store-password").redirectErrorStream(true).start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    TestPostgres.TestDatabase db = TestPostgres.freshDatabase();
    int pa = freePort();
    int pb = freePort();
    Map<String, String> tls = Map.of(ConfigKeys.CLUSTER_TLS_KEYSTORE, store.toString(),
        ConfigKeys.CLUSTER_TLS_PASSWORD, "bus-store-password");
    int busA = freePort();
    TestGateway a = TestGateway.startClustered(db, merged(merged(clusterEnv("tls-a", pa, pa, pb), tls),
        Map.of(ConfigKeys.CLUSTER_BUS_PORT, String.valueOf(busA))));
    TestGateway b = TestGateway.startClustered(db, merged(clusterEnv("tls-b", pb, pa, pb), tls));
    try {
      // node A's event-bus port speaks TLS and accepts a client holding the cluster's key
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      try (var in = java.nio.file.Files.newInputStream(store)) {
        ks.load(in, "bus-store-password".toCharArray());
      }
      var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "bus-store-password".toCharArray());
      var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      try (var socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", busA)) {
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).startsWith("TLS");
      }
      var received = new CopyOnWriteArrayList<String>();
      b.node().vertx().eventBus().<String>consumer("test.cluster.tls", m -> received.add(m.body()))
          .completion().toCompletionStage().toCompletableFuture().join();
      TestGateway.eventually(30_000, () -> {
        a.node().vertx().eventBus().publish("test.cluster.tls", "over-tls");
        return received.contains("over-tls");
      });
    } finally {
      a.close();
      b.close();
    }
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new java.util.HashMap<>(a);
    out.putAll(b);
    return out;
  }

  private static int members(TestGateway gw) {
    var r = gw.api().get("/ready", null);
    return r.status() == 200 ? r.json().getJsonObject("cluster").getInteger("members") : -1;
  }
}

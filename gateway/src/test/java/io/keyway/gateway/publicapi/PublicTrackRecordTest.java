package io.keyway.gateway.publicapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The public track record: only public accounts, only the listed fields, cacheable, computed once per 30 s. */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublicTrackRecordTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of("KEYWAY_ENGINE_TICK_MILLIS", "200"));
  private static Api api;
  private static TestGateway.Session adminA;
  private static TestGateway.Session alice;
  private static TestGateway.Session bob;
  private static String publicId;
  private static String privateId;
  private static String foreignPrivateId;

  @BeforeAll
  static void world() {
    api = GATEWAY.api();
    adminA = GATEWAY.signedIn("pub-a", "admin@pub-a.test", Role.ADMIN);
    alice = GATEWAY.signedIn("pub-a", "alice@pub-a.test", Role.OPERATOR);
    TestGateway.Session adminB = GATEWAY.signedIn("pub-b", "admin@pub-b.test", Role.ADMIN);
    bob = GATEWAY.signedIn("pub-b", "bob@pub-b.test", Role.OPERATOR);
    publicId = account(adminA, alice, "alpha-public", true);
    privateId = account(adminA, alice, "alpha-private", false);
    foreignPrivateId = account(adminB, bob, "beta-private", false);
    var order = post("/api/accounts/" + publicId + "/orders", alice, new JsonObject().put("symbol", "AAPL")
        .put("side", "buy").put("qty", "2").put("type", "market"));
    assertThat(order.statusCode()).as(order.body()).isEqualTo(202);
    TestGateway.eventually(30_000, () -> api.get("/api/accounts/" + publicId + "/orders", alice.accessToken()).json()
        .getJsonArray("items").getJsonObject(0).getString("status").equals("filled"));
    // the newest point must carry the allocation: a point recorded before the engine saw it reads 0.00, and the
    // public list (cached 30 s) shows the newest point
    TestGateway.eventually(30_000, () -> {
      JsonArray curve = api.get("/api/accounts/" + publicId + "/equity", alice.accessToken()).array();
      return curve.size() > 0
          && new java.math.BigDecimal(curve.getJsonObject(curve.size() - 1).getString("equity")).signum() > 0;
    });
  }

  private static String account(TestGateway.Session admin, TestGateway.Session owner, String name, boolean isPublic) {
    JsonObject body = TradingAccountFixtures.simAccount(name, owner.userId()).put("isPublic", isPublic);
    body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "0.01").put("sellAbove", "1000000");
    body.getJsonObject("risk").put("approvalOverUsd", "100000");
    String id = api.post("/api/accounts", admin.accessToken(), body).json().getString("id");
    flow(admin, new JsonObject().put("type", "deposit").put("userId", owner.userId()).put("amount", "2000"));
    flow(admin, new JsonObject().put("type", "allocate").put("userId", owner.userId()).put("accountId", id).put("amount", "2000"));
    return id;
  }

  private static void flow(TestGateway.Session admin, JsonObject body) {
    var r = post("/api/capital-flows", admin, body.put("currency", "USD"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  private static HttpResponse<String> post(String path, TestGateway.Session s, JsonObject body) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
          .header("Authorization", "Bearer " + s.accessToken()).header("Content-Type", "application/json")
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + GATEWAY.gateway().node().httpPort();
  }

  private static double computations() {
    return api.get("/metrics", null).body().lines().filter(l -> l.startsWith("keyway_public_computations_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  @DisplayName("a stampede of 50 concurrent readers on a cold cache costs one computation, and all get the same answer")
  void stampede() {
    double before = computations();
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> all = java.util.stream.IntStream.range(0, 50)
        .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/api/public/strategies")).build(),
            HttpResponse.BodyHandlers.ofString())).toList();
    List<HttpResponse<String>> answers = all.stream().map(CompletableFuture::join).toList();
    assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
    assertThat(computations() - before).isEqualTo(1.0);
  }

  @Test
  @Order(2)
  @DisplayName("the list holds only public accounts, each with exactly id, name, equity and drawdown, cacheable for 30 s")
  void list() {
    Api.Response r = api.get("/api/public/strategies", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=30");
    JsonArray list = r.array();
    assertThat(list.stream().map(o -> ((JsonObject) o).getString("id")).toList()).containsExactly(publicId);
    JsonObject one = list.getJsonObject(0);
    assertThat(one.fieldNames()).containsExactlyInAnyOrder("id", "name", "equity", "drawdown");
    assertThat(one.getString("name")).isEqualTo("alpha-public");
    assertThat(new java.math.BigDecimal(one.getString("equity"))).isPositive();
  }

  @Test
  @Order(3)
  @DisplayName("one strategy shows only the listed fields, down to its sleeves, trades and curve: no owner, tenant, keys, "
      + "risk or kill reason; its equity and drawdown are its list entry's (one curve read serves both)")
  void detail() {
    JsonObject listed = api.get("/api/public/strategies", null).array().getJsonObject(0);
    Api.Response r = api.get("/api/public/strategies/" + publicId, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=30");
    JsonObject s = r.json();
    assertThat(s.fieldNames()).containsExactlyInAnyOrder("id", "name", "equity", "drawdown", "sleeves", "trades", "equityCurve");
    assertFieldNames(s.getJsonArray("sleeves"), Set.of("symbol", "weight"));
    assertFieldNames(s.getJsonArray("trades"), Set.of("t", "symbol", "side", "qty", "price"));
    assertFieldNames(s.getJsonArray("equityCurve"), Set.of("t", "equity"));
    assertThat(s.getJsonArray("trades")).hasSize(1);
    assertThat(s.getJsonArray("sleeves").getJsonObject(0).getString("symbol")).isEqualTo("AAPL");
    assertThat(s.getJsonArray("equityCurve")).isNotEmpty();
    assertThat(s.getString("equity")).isEqualTo(listed.getString("equity"));
    assertThat(s.getString("drawdown")).isEqualTo(listed.getString("drawdown"));
    assertThat(s.getJsonArray("equityCurve").getJsonObject(s.getJsonArray("equityCurve").size() - 1).getString("equity"))
        .isEqualTo(listed.getString("equity"));
    assertThat(r.body()).doesNotContain(alice.userId()).doesNotContain(alice.tenantId()).doesNotContain("maxOrderUsd");
  }

  private static void assertFieldNames(JsonArray items, Set<String> names) {
    assertThat(items.stream().map(o -> ((JsonObject) o).fieldNames()))
        .allSatisfy(f -> assertThat(f).containsExactlyInAnyOrderElementsOf(names));
  }

  @Test
  @Order(4)
  @DisplayName("a private account, another tenant's private account and a missing one are all 404; the summary adds public equity only")
  void privateStaysPrivate() {
    for (String id : List.of(privateId, foreignPrivateId, UUID.randomUUID().toString(), "not-an-id")) {
      Api.Response r = api.get("/api/public/strategies/" + id, null);
      assertThat(r.status()).as(id).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
    Api.Response summary = api.get("/api/public/summary", null);
    assertThat(summary.header("Cache-Control")).isEqualTo("public, max-age=30");
    assertThat(summary.json().fieldNames()).containsExactly("totalAum");
    String equity = api.get("/api/public/strategies", null).array().getJsonObject(0).getString("equity");
    assertThat(summary.json().getString("totalAum")).isEqualTo(equity);
  }
}

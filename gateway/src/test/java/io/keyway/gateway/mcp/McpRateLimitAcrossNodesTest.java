package io.keyway.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TestPostgres;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP rate limit holds per token over every node on one database: two nodes, two tenants, a user in each. Until
 * session 14 each node kept its own buckets, and a token got the limit once on each node.
 */
@Timeout(120)
class McpRateLimitAcrossNodesTest {
  // a 20 s step: the sequential test's requests fit in it even on a slow machine
  private static final int PER_MINUTE = 3;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestGateway a;
  private static TestGateway b;
  private static TestGateway.Session alice;
  private static TestGateway.Session bruno;

  @BeforeAll
  static void twoNodes() {
    TestPostgres.TestDatabase db = TestPostgres.freshDatabase();
    a = TestGateway.start(db, Map.of(ConfigKeys.MCP_REQUESTS_PER_MINUTE, Integer.toString(PER_MINUTE),
        ConfigKeys.NODE_ID, "rate-a"));
    b = TestGateway.start(db, Map.of(ConfigKeys.MCP_REQUESTS_PER_MINUTE, Integer.toString(PER_MINUTE),
        ConfigKeys.NODE_ID, "rate-b"));
    alice = a.signedIn("rate-one", "alice@rate-one.test", Role.OPERATOR);
    bruno = b.signedIn("rate-two", "bruno@rate-two.test", Role.OPERATOR);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static String apiToken(TestGateway node, TestGateway.Session s, String name) {
    return created(node, s, name).getString("token");
  }

  private static JsonObject created(TestGateway node, TestGateway.Session s, String name) {
    Api.Response r = node.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", name));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static HttpRequest ping(TestGateway node, String token) {
    String body = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "ping")
        .put("params", new JsonObject()).encode();
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().httpPort() + "/mcp"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a token's requests spread over two nodes share one budget; past it both nodes answer 429 with "
      + "Retry-After, while another token of the same tenant and one of another tenant still work")
  void oneBudgetOverTwoNodes() {
    String greedy = apiToken(a, alice, "greedy");
    for (int i = 0; i < PER_MINUTE; i++) {
      TestGateway node = i % 2 == 0 ? a : b;
      assertThat(send(ping(node, greedy)).statusCode()).as("request %d", i + 1).isEqualTo(200);
    }
    for (TestGateway node : List.of(a, b)) {
      HttpResponse<String> limited = send(ping(node, greedy));
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
      // one request frees up every 60 / PER_MINUTE = 20 s
      assertThat(limited.headers().firstValue("Retry-After").map(Integer::parseInt))
          .hasValueSatisfying(s -> assertThat(s).isBetween(1, 60 / PER_MINUTE));
    }
    String sameTenant = apiToken(b, alice, "calm");
    String otherTenant = apiToken(b, bruno, "other");
    for (String token : List.of(sameTenant, otherTenant)) {
      assertThat(send(ping(a, token)).statusCode()).isEqualTo(200);
      assertThat(send(ping(b, token)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("concurrent requests of one fresh token on both nodes: exactly the budget is let through")
  void concurrentRequestsTakeExactlyTheBudget() {
    String token = apiToken(b, bruno, "burst");
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 4 * PER_MINUTE; i++) {
      sent.add(HTTP.sendAsync(ping(i % 2 == 0 ? a : b, token), HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = sent.stream().map(f -> f.join().statusCode()).toList();
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(PER_MINUTE);
    assertThat(statuses).filteredOn(s -> s == 429).hasSize(3 * PER_MINUTE);
  }

  @Test
  @DisplayName("a token's budget row carries that token's id and its tenant, and nothing else of it")
  void rowsCarryTheTokensIdAndTenant() {
    JsonObject token = created(a, alice, "stored");
    assertThat(send(ping(b, token.getString("token"))).statusCode()).isEqualTo(200);
    Map<String, String> row = new java.util.HashMap<>();
    try (Connection c = DatabaseBootstrap.connect(a.database().admin()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT r.tenant_id::text, t.name, r.tat > now() FROM identity.mcp_rate r "
            + "JOIN identity.tenants t ON t.id = r.tenant_id WHERE r.credential_id = '" + token.getString("id") + "'")) {
      while (rs.next()) {
        row.put("tenant", rs.getString(1));
        row.put("name", rs.getString(2));
        row.put("ahead", Boolean.toString(rs.getBoolean(3)));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(row).containsEntry("tenant", alice.tenantId()).containsEntry("name", "rate-one")
        .containsEntry("ahead", "true");
  }
}

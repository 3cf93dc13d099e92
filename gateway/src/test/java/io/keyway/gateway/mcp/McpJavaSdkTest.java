package io.keyway.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official MCP Java SDK client (io.modelcontextprotocol.sdk:mcp 2.1.0), unmodified, against /mcp. */
@Timeout(180)
class McpJavaSdkTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of("KEYWAY_ENGINE_TICK_MILLIS", "200"));
  private static final List<String> OPERATOR_TOOLS = List.of("whoami", "list_accounts", "get_balance", "list_positions",
      "list_orders", "place_order", "set_account_mode", "kill_account", "list_keys", "list_approvals", "decide_approval",
      "get_user_balance");
  private static final List<String> VIEWER_TOOLS = List.of("whoami", "list_accounts", "get_balance", "list_positions",
      "list_orders", "list_keys", "list_approvals", "get_user_balance");
  private static McpFixtures fixtures;
  private static TestGateway.Session alice;
  private static TestGateway.Session vic;
  private static TestGateway.Session bob;
  private static String aliceAccount;
  private static String bobAccount;

  @BeforeAll
  static void world() {
    TestGateway.Session admin = GATEWAY.signedIn("mcp-a", "admin@mcp-a.test", Role.ADMIN);
    alice = GATEWAY.signedIn("mcp-a", "alice@mcp-a.test", Role.OPERATOR);
    vic = GATEWAY.signedIn("mcp-a", "vic@mcp-a.test", Role.VIEWER);
    TestGateway.Session adminB = GATEWAY.signedIn("mcp-b", "admin@mcp-b.test", Role.ADMIN);
    bob = GATEWAY.signedIn("mcp-b", "bob@mcp-b.test", Role.OPERATOR);
    fixtures = new McpFixtures(GATEWAY, admin);
    aliceAccount = fixtures.fundedAccount("alice-agent", alice.userId(), "1000", new JsonObject());
    bobAccount = new McpFixtures(GATEWAY, adminB).fundedAccount("bob-agent", bob.userId(), "1000", new JsonObject());
  }

  private static McpSyncClient client(String token) {
    var transport = HttpClientStreamableHttpTransport.builder(fixtures.base())
        .endpoint("/mcp")
        .addHttpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization", "Bearer " + token))
        .build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
        .clientInfo(McpSchema.Implementation.builder("keyway-test", "1.0").build()).build();
  }

  private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(McpSchema.CallToolResult r) {
    return (Map<String, Object>) r.structuredContent();
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  @Test
  @DisplayName("an operator's agent initializes, sees only its role's tools, reads a balance and places an order")
  void operatorAgent() {
    try (McpSyncClient client = client(fixtures.apiToken(alice, "agent-1"))) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("keyway");
      assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(client.listTools().tools().stream().map(McpSchema.Tool::name).toList()).isEqualTo(OPERATOR_TOOLS);

      var balance = call(client, "get_balance", Map.of("accountId", aliceAccount));
      assertThat(balance.isError()).as(text(balance)).isFalse();
      assertThat(structured(balance)).containsEntry("accountId", aliceAccount).containsKeys("cash", "equity");
      assertThat(new JsonObject(text(balance)).getString("accountId")).isEqualTo(aliceAccount);

      var placed = call(client, "place_order", Map.of("accountId", aliceAccount, "symbol", "AAPL", "side", "buy",
          "qty", "1", "type", "market", "idempotencyKey", "agent-order-1"));
      assertThat(placed.isError()).as(text(placed)).isFalse();
      String orderId = (String) structured(placed).get("id");
      var again = call(client, "place_order", Map.of("accountId", aliceAccount, "symbol", "AAPL", "side", "buy",
          "qty", "1", "type", "market", "idempotencyKey", "agent-order-1"));
      assertThat(structured(again).get("id")).as("the same idempotency key answers the same order").isEqualTo(orderId);
      var orders = GATEWAY.api().get("/api/accounts/" + aliceAccount + "/orders", alice.accessToken()).json();
      assertThat(orders.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList())
          .as("the REST twin sees the agent's order").containsExactly(orderId);
      var audit = GATEWAY.api().get("/api/ledger/entries?kind=order.*", alice.accessToken()).json().getJsonArray("items");
      assertThat(audit.stream().map(e -> (JsonObject) e).filter(e -> e.getJsonObject("payload").encode().contains(orderId)))
          .as("the order is on the ledger with the agent's owner as actor, as a REST order would be")
          .isNotEmpty().allSatisfy(e -> assertThat(e.getString("actor")).isIn("user:" + alice.userId(), "engine"));
    }
  }

  @Test
  @DisplayName("a refused order is a result with isError and the reason; another tenant's account is not found, like a missing one")
  void refusalsAndIsolation() {
    try (McpSyncClient client = client(fixtures.apiToken(alice, "agent-2"))) {
      client.initialize();
      var tooBig = call(client, "place_order", Map.of("accountId", aliceAccount, "symbol", "AAPL", "side", "buy",
          "qty", "500", "type", "market"));
      assertThat(tooBig.isError()).isTrue();
      assertThat(new JsonObject(text(tooBig)).getJsonObject("error").getString("code")).isEqualTo("unprocessable");

      var foreign = call(client, "get_balance", Map.of("accountId", bobAccount));
      var missing = call(client, "get_balance", Map.of("accountId", UUID.randomUUID().toString()));
      assertThat(foreign.isError()).isTrue();
      assertThat(text(foreign)).isEqualTo(text(missing));
      var foreignOrder = call(client, "place_order", Map.of("accountId", bobAccount, "symbol", "AAPL", "side", "buy",
          "qty", "1"));
      assertThat(text(foreignOrder)).contains("not_found");
      assertThat(GATEWAY.api().get("/api/accounts/" + bobAccount + "/orders", bob.accessToken()).json()
          .getJsonArray("items")).as("nothing reached bob's account").isEmpty();
    }
  }

  @Test
  @DisplayName("an order that needs approval is an isError refusal naming it; the agent cannot approve it, the person can through the same tool")
  @SuppressWarnings("unchecked")
  void approvalsThroughTools() {
    String live = fixtures.fundedAccount("alice-live-agent", alice.userId(), "1000", new JsonObject().put("kind", "live")
        .put("risk", new JsonObject().put("allowLive", true).put("approvalOverUsd", "50")));
    try (McpSyncClient client = client(fixtures.apiToken(alice, "agent-live"))) {
      client.initialize();
      var unconfirmed = call(client, "place_order", Map.of("accountId", live, "symbol", "AAPL", "side", "buy", "qty", "1"));
      assertThat(unconfirmed.isError()).as("a live order without confirmLive is refused").isTrue();
      var waiting = call(client, "place_order", Map.of("accountId", live, "symbol", "AAPL", "side", "buy", "qty", "1",
          "confirmLive", true));
      assertThat(waiting.isError()).isTrue();
      JsonObject refusal = new JsonObject(text(waiting)).getJsonObject("error");
      assertThat(refusal.getString("code")).isEqualTo("needs_approval");
      String orderId = refusal.getJsonObject("order").getString("id");

      var pending = (List<Map<String, Object>>) structured(call(client, "list_approvals", Map.of("status", "pending")))
          .get("approvals");
      Map<String, Object> approval = pending.stream()
          .filter(ap -> orderId.equals(((Map<String, Object>) ap.get("order")).get("id"))).findFirst().orElseThrow();
      // the agent's own token may not approve: that is a person's decision
      var byAgent = call(client, "decide_approval", Map.of("approvalId", approval.get("id"), "decision", "approve"));
      assertThat(byAgent.isError()).as(text(byAgent)).isTrue();
      assertThat(new JsonObject(text(byAgent)).getJsonObject("error").getString("code")).isEqualTo("forbidden");
      assertThat(GATEWAY.api().get("/api/approvals?status=pending", alice.accessToken()).array().encode())
          .contains(String.valueOf(approval.get("id")));
      // the same tool, called by Alice herself (her access token), approves it
      McpSyncClient person = client(alice.accessToken());
      person.initialize();
      var approved = call(person, "decide_approval", Map.of("approvalId", approval.get("id"), "decision", "approve"));
      person.closeGracefully();
      assertThat(approved.isError()).as(text(approved)).isFalse();
      TestGateway.eventually(30_000, () -> GATEWAY.api().get("/api/accounts/" + live + "/orders", alice.accessToken())
          .json().getJsonArray("items").stream().map(o -> (JsonObject) o)
          .anyMatch(o -> o.getString("id").equals(orderId) && o.getString("status").equals("filled")));
    }
  }

  @Test
  @DisplayName("arguments that break the schema and unknown tools are JSON-RPC errors -32602")
  void invalidParams() {
    try (McpSyncClient client = client(fixtures.apiToken(alice, "agent-3"))) {
      client.initialize();
      assertThatThrownBy(() -> call(client, "get_balance", Map.of("accountId", aliceAccount, "extra", 1)))
          .hasMessageContaining("extra");
      assertThatThrownBy(() -> call(client, "no_such_tool", Map.of())).hasMessageContaining("no_such_tool");
    }
  }

  @Test
  @DisplayName("a viewer's agent lists only read tools and gets 403 on a tool above its role")
  void viewerAgent() {
    try (McpSyncClient client = client(fixtures.apiToken(vic, "viewer-agent"))) {
      client.initialize();
      assertThat(client.listTools().tools().stream().map(McpSchema.Tool::name).toList()).isEqualTo(VIEWER_TOOLS);
      assertThatThrownBy(() -> call(client, "place_order", Map.of("accountId", aliceAccount, "symbol", "AAPL",
          "side", "buy", "qty", "1"))).satisfies(e -> assertThat(refusal(e)).isEqualTo("403 Bearer error=\"insufficient_scope\""));
      var viewerReads = call(client, "list_accounts", Map.of());
      assertThat(viewerReads.isError()).isFalse();
      assertThat((List<?>) structured(viewerReads).get("accounts")).as("a viewer sees only what it owns").isEmpty();
    }
  }

  @Test
  @DisplayName("once its token is revoked, the agent's next call answers 401")
  void revokedToken() {
    var created = GATEWAY.api().post("/api/account/tokens", alice.accessToken(), new JsonObject().put("name", "doomed")).json();
    try (McpSyncClient client = client(created.getString("token"))) {
      client.initialize();
      assertThat(call(client, "whoami", Map.of()).isError()).isFalse();
      assertThat(GATEWAY.api().delete("/api/account/tokens/" + created.getString("id"), alice.accessToken()).status())
          .isEqualTo(204);
      assertThatThrownBy(() -> call(client, "whoami", Map.of()))
          .satisfies(e -> assertThat(refusal(e)).isEqualTo("401 Bearer realm=\"keyway\", error=\"invalid_token\""));
    }
  }

  /** The HTTP status and WWW-Authenticate header the SDK reports for an authorization failure. */
  private static String refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof McpHttpClientTransportAuthorizationException auth) {
        var info = auth.getResponseInfo();
        return info.statusCode() + " " + info.headers().firstValue("WWW-Authenticate").orElse("");
      }
    }
    throw new AssertionError("not an authorization failure", e);
  }
}

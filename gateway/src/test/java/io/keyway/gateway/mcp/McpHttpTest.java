package io.keyway.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MCP.md's endpoint rules, status by status, with raw HTTP requests. */
@Timeout(120)
class McpHttpTest {
  private static final int PER_MINUTE = 20;
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension(Map.of(
      "KEYWAY_MCP_REQUESTS_PER_MINUTE", Integer.toString(PER_MINUTE),
      "KEYWAY_ALLOWED_ORIGINS", "https://desk.example"));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static McpFixtures fixtures;
  private static TestGateway.Session admin;
  private static TestGateway.Session operator;

  @BeforeAll
  static void users() {
    admin = GATEWAY.signedIn("mcp-http", "admin@mcp-http.test", Role.ADMIN);
    operator = GATEWAY.signedIn("mcp-http", "op@mcp-http.test", Role.OPERATOR);
    fixtures = new McpFixtures(GATEWAY, admin);
  }

  private static JsonObject rpc(Object id, String method, JsonObject params) {
    JsonObject m = new JsonObject().put("jsonrpc", "2.0").put("method", method).put("params", params);
    return id == null ? m : m.put("id", id);
  }

  private static HttpResponse<String> post(String body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(Map.of("Content-Type", "application/json",
        "Accept", "application/json, text/event-stream"));
    all.putAll(headers);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixtures.base() + "/mcp"));
    all.forEach((k, v) -> {
      if (v != null) {
        b.header(k, v);
      }
    });
    try {
      return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> post(String token, JsonObject message) {
    return post(message.encode(), Map.of("Authorization", "Bearer " + token));
  }

  @Test
  @DisplayName("initialize answers the requested revision if supported, else 2025-11-25, names the build's version, and issues no session")
  void initialize() {
    String token = fixtures.apiToken(operator, "init");
    var init = post(token, rpc(1, "initialize", new JsonObject().put("protocolVersion", "2025-06-18")
        .put("capabilities", new JsonObject()).put("clientInfo", new JsonObject().put("name", "t").put("version", "1"))));
    assertThat(init.statusCode()).isEqualTo(200);
    assertThat(init.headers().firstValue("Mcp-Session-Id")).isEmpty();
    JsonObject result = new JsonObject(init.body()).getJsonObject("result");
    assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
    assertThat(result.getJsonObject("capabilities").encode()).isEqualTo("{\"tools\":{\"listChanged\":false}}");
    assertThat(result.getJsonObject("serverInfo").getString("name")).isEqualTo("keyway");
    // the build's project version (a filtered resource), not "dev"
    assertThat(result.getJsonObject("serverInfo").getString("version")).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    var old = post(token, rpc("x", "initialize", new JsonObject().put("protocolVersion", "2024-11-05")));
    assertThat(new JsonObject(old.body()).getString("id")).isEqualTo("x");
    assertThat(new JsonObject(old.body()).getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-11-25");
    assertThat(new JsonObject(post(token, rpc(2, "ping", new JsonObject())).body()).getJsonObject("result")).isEmpty();
    var badVersion = post(rpc(3, "ping", new JsonObject()).encode(),
        Map.of("Authorization", "Bearer " + token, "MCP-Protocol-Version", "1999-01-01"));
    assertThat(badVersion.statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("transport rules: 405 for GET and DELETE, 415, 406, a batch is 400 -32600, a notification is 202")
  void transport() {
    String token = fixtures.apiToken(operator, "transport");
    for (String method : new String[] {"GET", "DELETE"}) {
      try {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(fixtures.base() + "/mcp")).header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method).isEqualTo(405);
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    String ping = rpc(1, "ping", new JsonObject()).encode();
    assertThat(post(ping, Map.of("Authorization", "Bearer " + token, "Content-Type", "text/plain")).statusCode()).isEqualTo(415);
    assertThat(post(ping, Map.of("Authorization", "Bearer " + token, "Accept", "text/html")).statusCode()).isEqualTo(406);
    var batch = post(new JsonArray().add(new JsonObject(ping)).encode(), Map.of("Authorization", "Bearer " + token));
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(batch.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32600);
    var note = post(token, rpc(null, "notifications/initialized", new JsonObject()));
    assertThat(note.statusCode()).isEqualTo(202);
    assertThat(note.body()).isEmpty();
    var unknown = post(token, rpc(9, "resources/list", new JsonObject()));
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32601);
  }

  @Test
  @DisplayName("authorization: a foreign Origin is 403 first; no token is 401 with the realm; a bad token is invalid_token")
  void authorization() {
    String ping = rpc(1, "ping", new JsonObject()).encode();
    String token = fixtures.apiToken(operator, "auth");
    var foreign = post(ping, Map.of("Authorization", "Bearer " + token, "Origin", "https://evil.example"));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(post(ping, Map.of("Authorization", "Bearer " + token, "Origin", "https://desk.example")).statusCode())
        .isEqualTo(200);
    var none = post(ping, Map.of());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"keyway\"");
    var bad = post(ping, Map.of("Authorization", "Bearer kwt_not-a-real-token"));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"keyway\", error=\"invalid_token\"");
  }

  @Test
  @DisplayName("each token has its own bucket: past the limit 429 with Retry-After, while another token still works")
  void rateLimitPerToken() {
    String greedy = fixtures.apiToken(operator, "greedy");
    String calm = fixtures.apiToken(operator, "calm");
    JsonObject ping = rpc(1, "ping", new JsonObject());
    for (int i = 0; i < PER_MINUTE; i++) {
      assertThat(post(greedy, ping).statusCode()).as("request %d", i + 1).isEqualTo(200);
    }
    var limited = post(greedy, ping);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(limited.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(s -> assertThat(s).isBetween(1, 60));
    assertThat(post(calm, ping).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("the 2026-07-28 revision: server/discover, headers must match the body, unsupported versions and methods")
  void statelessRevision() {
    String token = fixtures.apiToken(admin, "stateless");
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
    Map<String, String> headers = Map.of("Authorization", "Bearer " + token, "MCP-Protocol-Version", "2026-07-28",
        "Mcp-Method", "server/discover");
    var discover = post(rpc(1, "server/discover", new JsonObject().put("_meta", meta)).encode(), headers);
    JsonObject result = new JsonObject(discover.body()).getJsonObject("result");
    assertThat(result.getString("resultType")).isEqualTo("complete");
    assertThat(result.getJsonArray("supportedVersions")).contains("2026-07-28", "2025-11-25");
    assertThat(result.getJsonObject("_meta").getJsonObject("io.modelcontextprotocol/serverInfo").getString("name"))
        .isEqualTo("keyway");

    var list = post(rpc(2, "tools/list", new JsonObject().put("_meta", meta)).encode(), Map.of("Authorization",
        "Bearer " + token, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list"));
    JsonObject tools = new JsonObject(list.body()).getJsonObject("result");
    assertThat(tools.getString("cacheScope")).isEqualTo("private");
    assertThat(tools.getInteger("ttlMs")).as("the 2.x TypeScript client requires it").isNotNegative();
    assertThat(tools.getJsonArray("tools")).hasSize(13);

    var call = post(rpc(3, "tools/call", new JsonObject().put("_meta", meta).put("name", "whoami")
        .put("arguments", new JsonObject())).encode(), Map.of("Authorization", "Bearer " + token,
        "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "list_keys"));
    assertThat(call.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(call.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32020);

    var future = post(rpc(4, "tools/list", new JsonObject().put("_meta",
        new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2099-01-01"))).encode(), headers);
    assertThat(future.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(future.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(-32022);
    assertThat(error.getJsonObject("data").getString("requested")).isEqualTo("2099-01-01");

    var unknown = post(rpc(5, "prompts/list", new JsonObject().put("_meta", meta)).encode(), Map.of("Authorization",
        "Bearer " + token, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "prompts/list"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32601);
  }

  @Test
  @DisplayName("a storm of malformed messages and arguments never answers 500 nor shows a stack trace")
  void neverA500() {
    String token = fixtures.apiToken(admin, "garbage");
    String account = UUID.randomUUID().toString();
    String[] bodies = {"", "{", "null", "[]", "\"x\"", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":5}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":\"x\"}}",
        "[".repeat(5000) + "]".repeat(5000)};
    JsonObject[] calls = {
        new JsonObject().put("name", "get_balance").put("arguments", new JsonObject().put("accountId", "nope")),
        new JsonObject().put("name", "list_orders").put("arguments", new JsonObject().put("accountId", account).put("limit", 1e99)),
        new JsonObject().put("name", "list_orders").put("arguments", new JsonObject().put("accountId", account).put("from", "yesterday")),
        new JsonObject().put("name", "list_orders").put("arguments", new JsonObject().put("accountId", account).put("cursor", "%%%")),
        new JsonObject().put("name", "place_order").put("arguments", new JsonObject().put("accountId", account)
            .put("symbol", "aapl").put("side", "buy").put("qty", "-1")),
        new JsonObject().put("name", "decide_approval").put("arguments", new JsonObject().put("approvalId", account)
            .put("decision", "reject")),
        new JsonObject().put("name", "get_user_balance").put("arguments", new JsonObject().put("currency", "dollars"))};
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(bodies));
    for (JsonObject c : calls) {
      all.add(rpc(1, "tools/call", c).encode());
    }
    for (String body : all) {
      var r = post(body, Map.of("Authorization", "Bearer " + token));
      assertThat(r.statusCode()).as(body.length() > 80 ? body.substring(0, 80) : body).isLessThan(500);
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }
  }

  @Test
  @DisplayName("list_keys shows no secret, and verify_ledger answers for an admin")
  void maskedKeysAndAdminTool() {
    String secret = "SECRETKEYVALUE1234567890abcdef";
    var linked = GATEWAY.api().post("/api/account/keys", admin.accessToken(), new JsonObject().put("provider", "alpaca")
        .put("label", "main").put("keyId", "PKTESTKEYID12345").put("secret", secret));
    assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
    String token = fixtures.apiToken(admin, "keys");
    var keys = post(token, rpc(1, "tools/call", new JsonObject().put("name", "list_keys").put("arguments", new JsonObject())));
    assertThat(keys.body()).contains("\"provider\":\"alpaca\"").doesNotContain(secret).doesNotContain("PKTESTKEYID12345");
    var verify = post(token, rpc(2, "tools/call", new JsonObject().put("name", "verify_ledger")));
    JsonObject result = new JsonObject(verify.body()).getJsonObject("result");
    assertThat(result.getBoolean("isError")).as(verify.body()).isFalse();
    assertThat(result.getJsonObject("structuredContent").getBoolean("ok")).isTrue();
  }
}

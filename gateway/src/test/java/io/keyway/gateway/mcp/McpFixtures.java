package io.keyway.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.ledger.TradingAccountFixtures;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/** Accounts, money and API tokens for the MCP and public-API tests, through the REST API. */
final class McpFixtures {
  private final GatewayExtension gateway;
  private final TestGateway.Session admin;

  McpFixtures(GatewayExtension gateway, TestGateway.Session admin) {
    this.gateway = gateway;
    this.admin = admin;
  }

  /** A sim account of {@code ownerId} that never trades by itself, holding {@code cash} USD. */
  String fundedAccount(String name, String ownerId, String cash, JsonObject changes) {
    JsonObject body = TradingAccountFixtures.simAccount(name, ownerId);
    body.getJsonObject("strategy").getJsonObject("params").put("buyBelow", "0.01").put("sellAbove", "1000000");
    body.mergeIn(changes, true);
    Api.Response created = gateway.api().post("/api/accounts", admin.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    flow("deposit", ownerId, null, cash);
    flow("allocate", ownerId, id, cash);
    return id;
  }

  /** A new API token of a signed-in user. */
  String apiToken(TestGateway.Session s, String name) {
    Api.Response r = gateway.api().post("/api/account/tokens", s.accessToken(), new JsonObject().put("name", name));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("token");
  }

  private void flow(String type, String userId, String accountId, String amount) {
    var b = new JsonObject().put("type", type).put("userId", userId).put("amount", amount).put("currency", "USD");
    if (accountId != null) {
      b.put("accountId", accountId);
    }
    try {
      var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/capital-flows"))
          .header("Authorization", "Bearer " + admin.accessToken()).header("Content-Type", "application/json")
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .POST(HttpRequest.BodyPublishers.ofString(b.encode())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  String base() {
    return "http://127.0.0.1:" + gateway.gateway().node().httpPort();
  }
}

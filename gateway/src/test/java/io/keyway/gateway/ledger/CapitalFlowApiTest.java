package io.keyway.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class CapitalFlowApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static TestGateway.Session admin;
  private static TestGateway.Session olive;
  private static TestGateway.Session bAdmin;
  private static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void users() {
    admin = GATEWAY.signedIn("flows", "admin@flows.test", Role.ADMIN);
    olive = GATEWAY.signedIn("flows", "olive@flows.test", Role.OPERATOR);
    bAdmin = GATEWAY.signedIn("flows-b", "admin@flows-b.test", Role.ADMIN);
  }

  private static Api.Response flow(TestGateway.Session as, String key, JsonObject body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY.gateway().node().httpPort()
              + "/api/capital-flows"))
          .header("Authorization", "Bearer " + as.accessToken())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
      if (key != null) {
        b.header("Idempotency-Key", key);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Response(r.statusCode(), r.headers().map(), r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject deposit(String userId, String amount) {
    return new JsonObject().put("type", "deposit").put("userId", userId).put("amount", amount).put("currency", "USD");
  }

  private static JsonObject balance(TestGateway.Session as, String userId) {
    Api.Response r = GATEWAY.api().get("/api/users/" + userId + "/balance", as.accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static long capitalEntries() {
    return GATEWAY.api().get("/api/ledger/entries?kind=capital.*&limit=500", admin.accessToken()).json()
        .getJsonArray("items").size();
  }

  @Test
  @DisplayName("a deposit credits the user's cash; the same key and body answer the original; another body is a conflict")
  void depositAndIdempotency() {
    String user = GATEWAY.signedIn("flows", "dee@flows.test", Role.VIEWER).userId();
    String key = UUID.randomUUID().toString();
    Api.Response first = flow(admin, key, deposit(user, "1250.50"));
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().getJsonObject("balance").getString("cash")).isEqualTo("1250.50");
    Api.Response again = flow(admin, key, deposit(user, "1250.50"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    Api.Response sameAmountOtherSpelling = flow(admin, key, deposit(user, "1250.5"));
    assertThat(sameAmountOtherSpelling.status()).isEqualTo(200);
    Api.Response other = flow(admin, key, deposit(user, "99.00"));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.errorCode()).isEqualTo("idempotency_conflict");
    assertThat(balance(admin, user).getString("cash")).isEqualTo("1250.50");
  }

  @Test
  @DisplayName("without an Idempotency-Key nothing happens: 400 naming the header")
  void keyRequired() {
    Api.Response r = flow(admin, null, deposit(olive.userId(), "10.00"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("Idempotency-Key");
  }

  @Test
  @DisplayName("more than is there answers 422 and writes nothing")
  void overdrawRefused() {
    String user = GATEWAY.signedIn("flows", "wes@flows.test", Role.VIEWER).userId();
    flow(admin, UUID.randomUUID().toString(), deposit(user, "100.00"));
    long before = capitalEntries();
    Api.Response w = flow(admin, UUID.randomUUID().toString(), new JsonObject().put("type", "withdrawal")
        .put("userId", user).put("amount", "100.01").put("currency", "USD"));
    assertThat(w.status()).isEqualTo(422);
    assertThat(w.errorCode()).isEqualTo("unprocessable");
    String account = createAccount(user);
    Api.Response stranger = flow(admin, UUID.randomUUID().toString(), new JsonObject().put("type", "allocate")
        .put("userId", user).put("accountId", UUID.randomUUID().toString()).put("amount", "1").put("currency", "USD"));
    assertThat(stranger.status()).as("an account that is not the user's").isEqualTo(404);
    Api.Response alloc = flow(admin, UUID.randomUUID().toString(), new JsonObject().put("type", "allocate")
        .put("userId", user).put("accountId", account).put("amount", "60").put("currency", "USD"));
    assertThat(alloc.status()).isEqualTo(201);
    assertThat(alloc.json().getJsonObject("balance").getString("cash")).isEqualTo("40.00");
    assertThat(alloc.json().getJsonObject("balance").getString("allocated")).isEqualTo("60.00");
    Api.Response dealloc = flow(admin, UUID.randomUUID().toString(), new JsonObject().put("type", "deallocate")
        .put("userId", user).put("accountId", account).put("amount", "60.01").put("currency", "USD"));
    assertThat(dealloc.status()).isEqualTo(422);
    assertThat(capitalEntries()).isEqualTo(before + 1);
    JsonObject b = balance(admin, user);
    assertThat(b.getString("cash")).isEqualTo("40.00");
    assertThat(b.getString("total")).isEqualTo("100.00");
    assertThat(b.getJsonArray("accounts").getJsonObject(0).getString("accountId")).isEqualTo(account);
    assertThat(b.getJsonArray("accounts").getJsonObject(0).getString("allocated")).isEqualTo("60.00");
  }

  static String createAccount(String ownerId) {
    Api.Response r = GATEWAY.api().post("/api/accounts", admin.accessToken(), TradingAccountFixtures.simAccount(
        "acct-" + UUID.randomUUID(), ownerId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  @DisplayName("concurrent duplicates of one request have exactly one effect")
  void concurrentDuplicates() throws Exception {
    String user = GATEWAY.signedIn("flows", "cora@flows.test", Role.VIEWER).userId();
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(() -> flow(admin, key, deposit(user, "5.00")));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Api.Response> f : pool.invokeAll(calls)) {
      statuses.add(f.get().status());
    }
    pool.shutdown();
    assertThat(statuses).containsOnly(200, 201);
    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
    assertThat(balance(admin, user).getString("cash")).isEqualTo("5.00");
  }

  @Test
  @DisplayName("only admins move money, and bad input names its field")
  void validation() {
    assertThat(flow(olive, UUID.randomUUID().toString(), deposit(olive.userId(), "10")).status()).isEqualTo(403);
    record Case(JsonObject body, String field) {}
    for (Case c : new Case[] {
        new Case(deposit(olive.userId(), "10").put("type", "gift"), "type"),
        new Case(deposit(olive.userId(), "10").put("amount", 10), "amount"),
        new Case(deposit(olive.userId(), "-5"), "amount"),
        new Case(deposit(olive.userId(), "0"), "amount"),
        new Case(deposit(olive.userId(), "1.123456789"), "amount"),
        new Case(deposit(olive.userId(), "10").put("currency", "usd"), "currency"),
        new Case(deposit("not-an-id", "10"), "userId"),
        new Case(deposit(olive.userId(), "10").put("type", "allocate"), "accountId"),
        new Case(deposit(olive.userId(), "10").put("accountId", UUID.randomUUID().toString()), "accountId")}) {
      Api.Response r = flow(admin, UUID.randomUUID().toString(), c.body());
      assertThat(r.status()).as(c.body().encode()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo(c.field());
    }
    assertThat(flow(admin, UUID.randomUUID().toString(), deposit(UUID.randomUUID().toString(), "10")).status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("balances: your own, any in the tenant for admins, nothing across tenants (404)")
  void balanceIsolation() {
    flow(admin, UUID.randomUUID().toString(), deposit(olive.userId(), "7.00"));
    assertThat(balance(olive, olive.userId()).getString("userId")).isEqualTo(olive.userId());
    TestGateway.Session other = GATEWAY.signedIn("flows", "otto@flows.test", Role.OPERATOR);
    assertThat(GATEWAY.api().get("/api/users/" + olive.userId() + "/balance", other.accessToken()).status()).isEqualTo(404);
    assertThat(GATEWAY.api().get("/api/users/" + olive.userId() + "/balance", bAdmin.accessToken()).status()).isEqualTo(404);
    assertThat(flow(bAdmin, UUID.randomUUID().toString(), deposit(olive.userId(), "1.00")).status()).isEqualTo(404);
    JsonObject own = balance(admin, olive.userId());
    assertThat(own.fieldNames()).containsExactlyInAnyOrder("userId", "currency", "cash", "accounts", "total");
  }
}

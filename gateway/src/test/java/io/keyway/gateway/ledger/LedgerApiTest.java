package io.keyway.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static Api api;
  private static TestGateway.Session admin;
  private static TestGateway.Session olive;
  private static TestGateway.Session bAdmin;

  @BeforeAll
  static void users() {
    api = GATEWAY.api();
    admin = GATEWAY.signedIn("led", "admin@led.test", Role.ADMIN);
    olive = GATEWAY.signedIn("led", "olive@led.test", Role.OPERATOR);
    bAdmin = GATEWAY.signedIn("led-b", "admin@led-b.test", Role.ADMIN);
    api.post("/api/account/tokens", olive.accessToken(), new JsonObject().put("name", "bot"));
  }

  private static List<JsonObject> items(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  @Test
  @Order(1)
  @DisplayName("sign-ins, user creation and token creation are on the ledger, with no secret in them")
  void identityIsAudited() {
    List<JsonObject> all = items(api.get("/api/ledger/entries?kind=auth.*&limit=500", admin.accessToken()));
    Set<String> kinds = new HashSet<>();
    all.forEach(e -> kinds.add(e.getString("kind")));
    assertThat(kinds).contains("auth.user_created", "auth.login", "auth.token_created");
    assertThat(all).allSatisfy(e -> {
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("id", "seq", "kind", "actor", "subject", "payload", "createdAt",
          "tenantId", "userId", "accountId", "idempotencyKey", "prevHash", "hash");
      assertThat(e.encode()).doesNotContain(olive.password()).doesNotContain(olive.accessToken())
          .doesNotContain("kwt_").doesNotContain("argon2");
    });
    api.post("/api/auth/login", null, new JsonObject().put("email", "olive@led.test").put("password", "wrong-password-x"));
    assertThat(items(api.get("/api/ledger/entries?kind=auth.login_failed", admin.accessToken()))).hasSize(1);
  }

  @Test
  @Order(2)
  @DisplayName("admins see their tenant's entries; others only what concerns them; another tenant sees none")
  void visibility() {
    List<JsonObject> adminView = items(api.get("/api/ledger/entries?limit=500", admin.accessToken()));
    List<JsonObject> oliveView = items(api.get("/api/ledger/entries?limit=500", olive.accessToken()));
    List<JsonObject> bView = items(api.get("/api/ledger/entries?limit=500", bAdmin.accessToken()));
    assertThat(oliveView).isNotEmpty().allSatisfy(e -> assertThat(e.getString("subject")).isEqualTo("user:" + olive.userId()));
    assertThat(adminView.size()).isGreaterThan(oliveView.size());
    Set<String> aIds = new HashSet<>();
    adminView.forEach(e -> aIds.add(e.getString("id")));
    assertThat(bView).isNotEmpty().noneMatch(e -> aIds.contains(e.getString("id")));
    assertThat(items(api.get("/api/ledger/entries?userId=" + admin.userId(), olive.accessToken()))).isEmpty();
  }

  @Test
  @Order(3)
  @DisplayName("entries page newest first with an opaque cursor; bad parameters answer 400")
  void paging() {
    List<JsonObject> all = items(api.get("/api/ledger/entries?limit=500", admin.accessToken()));
    JsonObject page1 = api.get("/api/ledger/entries?limit=2", admin.accessToken()).json();
    assertThat(page1.getJsonArray("items")).hasSize(2);
    String cursor = page1.getString("nextCursor");
    assertThat(cursor).isNotNull();
    JsonObject page2 = api.get("/api/ledger/entries?limit=2&cursor=" + cursor, admin.accessToken()).json();
    JsonArray both = page1.getJsonArray("items").copy().addAll(page2.getJsonArray("items"));
    for (int i = 0; i < both.size(); i++) {
      assertThat(both.getJsonObject(i)).isEqualTo(all.get(i));
    }
    for (String bad : new String[] {"limit=0", "limit=501", "limit=x", "cursor=nope", "from=yesterday", "userId=x",
        "kind=DROP%20TABLE"}) {
      Api.Response r = api.get("/api/ledger/entries?" + bad, admin.accessToken());
      assertThat(r.status()).as(bad).isEqualTo(400);
    }
  }

  @Test
  @Order(4)
  @DisplayName("verify reports an intact chain; checkpoints are signed on demand and readable by the tenant")
  void verifyAndCheckpoint() {
    Api.Response signed = api.post("/api/ledger/checkpoint", admin.accessToken(), null);
    assertThat(signed.status()).isEqualTo(200);
    JsonObject cp = api.get("/api/ledger/checkpoint", olive.accessToken()).json();
    assertThat(cp.fieldNames()).containsExactlyInAnyOrder("tenantId", "seq", "hash", "signedAt", "keyId", "signature",
        "publicKey");
    assertThat(cp).isEqualTo(signed.json());
    JsonObject report = api.get("/api/ledger/verify", admin.accessToken()).json();
    assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
    assertThat(report.getLong("entries")).isEqualTo(report.getLong("headSeq")).isGreaterThanOrEqualTo(cp.getLong("seq"));
    assertThat(report.containsKey("firstBadSeq")).isFalse();
    assertThat(api.get("/api/ledger/verify", olive.accessToken()).status()).isEqualTo(403);
  }

  @Test
  @Order(4)
  @DisplayName("a client can check the chain and the checkpoint from what the API shows, without trusting the server")
  void clientSideCheck() throws Exception {
    List<JsonObject> page = items(api.get("/api/ledger/entries?limit=500", admin.accessToken()));
    for (JsonObject e : page) {
      String canonical = io.keyway.ledger.CanonicalJson.encode(new JsonObject()
          .put("accountId", e.getValue("accountId")).put("actor", e.getString("actor"))
          .put("createdAt", e.getString("createdAt")).put("id", e.getString("id"))
          .put("idempotencyKey", e.getValue("idempotencyKey")).put("kind", e.getString("kind"))
          .put("payload", e.getJsonObject("payload")).put("seq", e.getLong("seq")).put("subject", e.getString("subject"))
          .put("tenantId", e.getString("tenantId")).put("userId", e.getValue("userId")));
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(java.util.HexFormat.of().parseHex(e.getString("prevHash")));
      sha.update(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(java.util.HexFormat.of().formatHex(sha.digest())).as("seq " + e.getLong("seq")).isEqualTo(e.getString("hash"));
    }
    for (int i = 0; i + 1 < page.size(); i++) { // newest first: each entry links to the next one down
      assertThat(page.get(i).getString("prevHash")).isEqualTo(page.get(i + 1).getString("hash"));
    }
    JsonObject cp = api.post("/api/ledger/checkpoint", admin.accessToken(), null).json();
    byte[] message = io.keyway.ledger.CanonicalJson.encode(new JsonObject().put("hash", cp.getString("hash"))
        .put("seq", cp.getLong("seq")).put("signedAt", cp.getString("signedAt")).put("tenantId", cp.getString("tenantId")))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    new com.google.crypto.tink.subtle.Ed25519Verify(java.util.Base64.getDecoder().decode(cp.getString("publicKey")))
        .verify(java.util.Base64.getDecoder().decode(cp.getString("signature")), message); // throws if invalid
  }

  @Test
  @Order(6)
  @DisplayName("the head of a chain that moved is signed on the interval, without being asked")
  void periodicCheckpoint() {
    try (TestGateway quick = TestGateway.start(java.util.Map.of("KEYWAY_LEDGER_CHECKPOINT_INTERVAL", "1"))) {
      TestGateway.Session s = quick.signedIn("tick", "a@tick.test", Role.ADMIN);
      // user_created and login at least; a tick may sign the head between the two, so the login's
      // seq is signed at a later tick, again without being asked
      TestGateway.eventually(10_000, () -> {
        var r = quick.api().get("/api/ledger/checkpoint", s.accessToken());
        return r.status() == 200 && r.json().getLong("seq") >= 2;
      });
    }
  }

  @Test
  @Order(5)
  @DisplayName("a byte changed behind the application's back is named by verify")
  void tamperIsReported() throws Exception {
    long seq = items(api.get("/api/ledger/entries?limit=500", admin.accessToken())).get(2).getLong("seq");
    try (Connection c = DatabaseBootstrap.connect(GATEWAY.gateway().database().admin()); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE ledger.blocks DISABLE TRIGGER ALL");
      // the entry is one element of the block row holding its seq
      s.execute("UPDATE ledger.blocks SET canonicals[(" + seq + " - first_seq + 1)::int] = "
          + "replace(canonicals[(" + seq + " - first_seq + 1)::int], 'led.test', 'lec.test') WHERE " + seq
          + " BETWEEN first_seq AND last_seq AND tenant_id = '" + admin.tenantId() + "'");
      s.execute("ALTER TABLE ledger.blocks ENABLE ALWAYS TRIGGER blocks_append_only");
      s.execute("ALTER TABLE ledger.blocks ENABLE ALWAYS TRIGGER blocks_no_truncate");
    }
    JsonObject report = api.get("/api/ledger/verify", admin.accessToken()).json();
    assertThat(report.getBoolean("ok")).isFalse();
    assertThat(report.getLong("firstBadSeq")).isEqualTo(seq);
    assertThat(api.get("/api/ledger/verify", bAdmin.accessToken()).json().getBoolean("ok")).isTrue();
  }
}

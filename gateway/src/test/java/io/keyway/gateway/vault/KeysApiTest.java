package io.keyway.gateway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class KeysApiTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static Api api;

  @BeforeAll
  static void start() {
    api = GATEWAY.api();
  }

  private static JsonObject key(String label, String keyId, String secret) {
    return new JsonObject().put("provider", "alpaca").put("label", label).put("keyId", keyId).put("secret", secret);
  }

  private static String rowsAsText() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = DatabaseBootstrap.connect(GATEWAY.gateway().database().admin()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT * FROM vault.credentials")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          all.append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
        }
      }
    }
    return all.toString();
  }

  @Test
  @DisplayName("a linked key is listed masked (first 4 and last 3 of the key id), never the key or secret")
  void linkAndList() throws Exception {
    TestGateway.Session s = GATEWAY.signedIn("keys", "kay@keys.test", Role.OPERATOR);
    Api.Response r = api.post("/api/account/keys", s.accessToken(), key("main", "PKGPZZ1234567890A44F", "secret-aaaa-1111-bbbb"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("id", "provider", "label", "masked", "linkedAt", "lastUsedAt", "status");
    assertThat(r.json().getString("masked")).isEqualTo("PKGP…44F");
    assertThat(r.body()).doesNotContain("secret-aaaa").doesNotContain("ZZ1234567890");
    List<Object> list = api.get("/api/account/keys", s.accessToken()).array().getList();
    assertThat(list).hasSize(1);
    assertThat(api.get("/api/account/keys", s.accessToken()).body()).doesNotContain("secret-aaaa").doesNotContain("ZZ1234567890");
    assertThat(rowsAsText()).doesNotContain("secret-aaaa").doesNotContain("PKGPZZ1234567890A44F")
        .doesNotContain(HexFormat.of().formatHex("secret-aaaa-1111-bbbb".getBytes()));
  }

  @Test
  @DisplayName("linking the same provider and label again rotates: one row, the old ciphertext gone")
  void rotationPurgesOldBlob() throws Exception {
    TestGateway.Session s = GATEWAY.signedIn("keys", "rot@keys.test", Role.OPERATOR);
    JsonObject first = api.post("/api/account/keys", s.accessToken(), key("main", "PKOLDKEY0000000001", "old-secret-value-1")).json();
    String before = rowsAsText();
    String oldSecretCt;
    try (Connection c = DatabaseBootstrap.connect(GATEWAY.gateway().database().admin()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT secret_ct, wrapped_key FROM vault.credentials WHERE id = '" + first.getString("id") + "'")) {
      rs.next();
      oldSecretCt = HexFormat.of().formatHex(rs.getBytes(1));
    }
    JsonObject second = api.post("/api/account/keys", s.accessToken(), key("main", "PKNEWKEY0000000002", "new-secret-value-2")).json();
    assertThat(second.getString("id")).isEqualTo(first.getString("id"));
    assertThat(second.getString("masked")).isEqualTo("PKNE…002");
    assertThat(api.get("/api/account/keys", s.accessToken()).array()).hasSize(1);
    assertThat(before).contains(oldSecretCt);
    assertThat(rowsAsText()).doesNotContain(oldSecretCt);
    List<String> kinds = api.get("/api/ledger/entries?kind=credential.*", s.accessToken()).json().getJsonArray("items")
        .stream().map(o -> ((JsonObject) o).getString("kind")).toList();
    assertThat(kinds).containsExactly("credential.rotated", "credential.added");
  }

  @Test
  @DisplayName("unlinking is immediate; another user, in this tenant or another, can neither list nor delete the key (404)")
  void isolation() {
    TestGateway.Session owner = GATEWAY.signedIn("keys", "own@keys.test", Role.OPERATOR);
    TestGateway.Session neighbour = GATEWAY.signedIn("keys", "nb@keys.test", Role.ADMIN);
    TestGateway.Session stranger = GATEWAY.signedIn("keys-b", "st@keys-b.test", Role.ADMIN);
    String id = api.post("/api/account/keys", owner.accessToken(), key("main", "PKOWNER000000000001", "owner-secret-1")).json()
        .getString("id");
    for (TestGateway.Session other : List.of(neighbour, stranger)) {
      assertThat(api.get("/api/account/keys", other.accessToken()).array()).isEmpty();
      Api.Response del = api.delete("/api/account/keys/" + id, other.accessToken());
      assertThat(del.status()).isEqualTo(404);
      assertThat(del.errorCode()).isEqualTo("not_found");
    }
    assertThat(api.get("/api/account/keys", owner.accessToken()).array()).hasSize(1);
    assertThat(api.delete("/api/account/keys/" + id, owner.accessToken()).status()).isEqualTo(204);
    assertThat(api.get("/api/account/keys", owner.accessToken()).array()).isEmpty();
    assertThat(api.delete("/api/account/keys/" + id, owner.accessToken()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("bad input answers 400 naming the field, without echoing the secret")
  void validation() {
    TestGateway.Session s = GATEWAY.signedIn("keys", "val@keys.test", Role.OPERATOR);
    record Case(JsonObject body, String field) {}
    for (Case c : new Case[] {
        new Case(key("main", "PKVALID000000001", "sec-ret-value").put("provider", "mtgox"), "provider"),
        new Case(key("Main!", "PKVALID000000001", "sec-ret-value"), "label"),
        new Case(key("x".repeat(65), "PKVALID000000001", "sec-ret-value"), "label"),
        new Case(key("main", "short", "sec-ret-value"), "keyId"),
        new Case(key("main", "PKVALID000000001", "has space in it"), "secret"),
        new Case(key("main", "PKVALID000000001", "s".repeat(1025)), "secret"),
        new Case(key("main", "PKVALID000000001", "sec-ret-value").put("secret", 12345678), "secret")}) {
      Api.Response r = api.post("/api/account/keys", s.accessToken(), c.body());
      assertThat(r.status()).as(c.field()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo(c.field());
      assertThat(r.body()).doesNotContain("has space in it").doesNotContain("sec-ret-value");
    }
  }

  @Test
  @DisplayName("viewers and API tokens cannot link or unlink keys")
  void whoMayManageKeys() {
    TestGateway.Session viewer = GATEWAY.signedIn("keys", "vw@keys.test", Role.VIEWER);
    assertThat(api.post("/api/account/keys", viewer.accessToken(), key("main", "PKVIEWER00000001", "viewer-secret-1"))
        .status()).isEqualTo(403);
    assertThat(api.get("/api/account/keys", viewer.accessToken()).status()).isEqualTo(200);
    TestGateway.Session op = GATEWAY.signedIn("keys", "tok@keys.test", Role.OPERATOR);
    String token = api.post("/api/account/tokens", op.accessToken(), new JsonObject().put("name", "agent")).json().getString("token");
    assertThat(api.post("/api/account/keys", token, key("main", "PKAGENT000000001", "agent-secret-1")).status()).isEqualTo(403);
    assertThat(api.get("/api/account/keys", token).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("deleting a user purges their keys")
  void userDeletionPurgesKeys() throws Exception {
    TestGateway.Session admin = GATEWAY.signedIn("keys-del", "adm@keys-del.test", Role.ADMIN);
    TestGateway.Session leaver = GATEWAY.signedIn("keys-del", "leaver@keys-del.test", Role.OPERATOR);
    api.post("/api/account/keys", leaver.accessToken(), key("main", "PKLEAVER00000001", "leaver-secret-1"));
    assertThat(api.delete("/api/users/" + leaver.userId(), admin.accessToken()).status()).isEqualTo(204);
    assertThat(rowsAsText()).doesNotContain(leaver.userId());
  }
}

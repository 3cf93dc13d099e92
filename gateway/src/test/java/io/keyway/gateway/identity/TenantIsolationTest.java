package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two users in two tenants: tenant B's admin sees nothing of tenant A, and a foreign id is a missing id. */
@Timeout(120)
class TenantIsolationTest {
  @RegisterExtension static final GatewayExtension GATEWAY = new GatewayExtension();
  private static TestGateway gw;
  private static Api api;
  private static TestGateway.Session adminA;
  private static TestGateway.Session userA;
  private static TestGateway.Session adminB;

  @BeforeAll
  static void start() {
    gw = GATEWAY.gateway();
    api = gw.api();
    adminA = gw.signedIn("tenant-a", "admin@a.test", Role.ADMIN);
    userA = gw.signedIn("tenant-a", "user@a.test", Role.OPERATOR);
    adminB = gw.signedIn("tenant-b", "admin@b.test", Role.ADMIN);
  }

  @Test
  @DisplayName("an admin of tenant B lists only tenant B's users")
  void listIsScoped() {
    var emails = api.get("/api/users", adminB.accessToken()).array().stream()
        .map(o -> ((JsonObject) o).getString("email")).toList();
    assertThat(emails).containsExactly("admin@b.test");
    assertThat(api.get("/api/users", adminA.accessToken()).array()).hasSize(2);
  }

  @Test
  @DisplayName("an admin of tenant B cannot read, change or delete tenant A's user: 404 like a missing one")
  void foreignIdIsMissing() {
    String missing = java.util.UUID.randomUUID().toString();
    for (String id : new String[] {userA.userId(), adminA.userId(), missing}) {
      Api.Response read = api.get("/api/users/" + id, adminB.accessToken());
      Api.Response change = api.patch("/api/users/" + id, adminB.accessToken(), new JsonObject().put("disabled", true));
      Api.Response delete = api.delete("/api/users/" + id, adminB.accessToken());
      for (Api.Response r : new Api.Response[] {read, change, delete}) {
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
        assertThat(r.body()).doesNotContain(id);
      }
    }
    // and nothing happened to tenant A's user
    Api.Response still = api.get("/api/users/" + userA.userId(), adminA.accessToken());
    assertThat(still.status()).isEqualTo(200);
    assertThat(still.json().getBoolean("disabled")).isFalse();
    assertThat(api.get("/api/account/me", userA.accessToken()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("the same email cannot be claimed in another tenant, so logins stay unambiguous")
  void emailsAreGloballyUnique() {
    Api.Response r = api.post("/api/users", adminB.accessToken(), new JsonObject()
        .put("email", "user@a.test").put("displayName", "copy").put("role", "viewer"));
    assertThat(r.status()).isEqualTo(409);
  }
}

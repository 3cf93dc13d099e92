package io.keyway.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keyway.config.ConfigKeys;
import io.keyway.gateway.Api;
import io.keyway.gateway.GatewayExtension;
import io.keyway.gateway.TestGateway;
import io.keyway.gateway.identity.CreatedUser;
import io.keyway.gateway.identity.Role;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against a real node: one admin of tenant "acme" walks
 * through sign-in, the forced password change, accounts, keys and the admin pages (writing the
 * screenshots under docs/screenshots); a user of tenant "globex" in a second browser sees none of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  @RegisterExtension
  static GatewayExtension gateway = new GatewayExtension(Map.of(ConfigKeys.ENGINE_TICK_MILLIS, "100"));

  private static final String FIRST_PASSWORD = "first-password-123";
  private static final String NEW_PASSWORD = "a-brand-new-password-456";
  private static final String KEY_ID = "PKDASHBOARDTEST9876";
  private static final String SECRET = "dashboard-secret-never-shown-0123456789";

  private static Browser acme;
  private static String base;
  private static CreatedUser alice;
  private static TestGateway.Session ops;
  private static String paperId;
  private static String liveId;

  @BeforeAll
  static void setUp() {
    // on a developer machine without a browser this class is skipped; under CI (which installs one) it must run
    assumeTrue(Browser.installed() || System.getenv("CI") != null,
        "Debian chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    base = "http://127.0.0.1:" + gateway.gateway().node().httpPort();
    Api api = gateway.api();
    alice = gateway.gateway().createUser("acme", "alice@acme.test", Role.ADMIN, FIRST_PASSWORD, true);
    ops = gateway.signedIn("acme", "ops@acme.test", Role.ADMIN);
    String aliceId = alice.user().id().toString();
    paperId = createAccount(api, "Acme Paper Fund", "sim", "paper", aliceId);
    liveId = createAccount(api, "Acme Live Fund", "alpaca", "live", aliceId);
    capitalFlow(new JsonObject().put("type", "deposit").put("userId", aliceId).put("amount", "5000"));
    capitalFlow(new JsonObject().put("type", "allocate").put("userId", aliceId).put("accountId", paperId).put("amount", "1000"));
    acme = new Browser(base);
  }

  @AfterAll
  static void tearDown() {
    if (acme != null) {
      acme.close();
    }
  }

  private static String createAccount(Api api, String name, String venue, String kind, String owner) {
    Api.Response r = api.post("/api/accounts", ops.accessToken(), new JsonObject().put("name", name).put("venue", venue)
        .put("kind", kind).put("ownerUserId", owner).put("credentialLabel", "main")
        // a strategy that never fires at these levels: the only trades are the test's own
        .put("strategy", new JsonObject().put("type", "threshold").put("params", new JsonObject().put("symbol", "AAPL")
            .put("buyBelow", "1").put("sellAbove", "1000000").put("qty", "1")))
        .put("risk", new JsonObject().put("maxOrderUsd", "500").put("dailyCapUsd", "2000")
            .put("allowLive", "live".equals(kind)).put("approvalOverUsd", "0")));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  @Order(1)
  @DisplayName("signs in, is made to change the password, then lands on the overview of a paper account")
  void signInAndForcedPasswordChange() {
    acme.open("/");
    acme.heading("Sign in");
    acme.screenshot("login");
    acme.type("login-form", "Email", "alice@acme.test");
    acme.type("login-form", "Password", FIRST_PASSWORD);
    acme.submit("login-form");
    acme.heading("Change your password");
    acme.type("password-form", "Current password", FIRST_PASSWORD);
    acme.type("password-form", "New password", NEW_PASSWORD);
    acme.submit("password-form");
    acme.heading("Overview");
    new Select(acme.visible(By.id("account-select"))).selectByValue(paperId);
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mode-banner"), "Paper trading"));
    assertThat(acme.driver.findElement(By.id("mode-banner")).getAttribute("class")).contains("paper");
    // the old password no longer signs in, the new one does
    assertThat(gateway.api().post("/api/auth/login", null, new JsonObject().put("email", "alice@acme.test")
        .put("password", FIRST_PASSWORD)).status()).isEqualTo(401);
  }

  @Test
  @Order(2)
  @DisplayName("an order placed from the ticket shows in the order history, and the status filter narrows it")
  void orderTicketAndHistory() {
    acme.type("order-ticket", "Symbol", "aapl");
    acme.type("order-ticket", "Quantity", "1");
    acme.submit("order-ticket");
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "AAPL"));
    By firstSymbol = By.cssSelector("#orders tbody td[data-label='Symbol']");
    acme.wait.until(ExpectedConditions.textToBe(firstSymbol, "AAPL"));
    new Select(acme.fieldOf("order-filter", "Status")).selectByValue("canceled");
    acme.submit("order-filter");
    acme.visible(By.cssSelector("#orders td.empty"));
    new Select(acme.fieldOf("order-filter", "Status")).selectByValue("");
    acme.submit("order-filter");
    acme.wait.until(ExpectedConditions.textToBe(firstSymbol, "AAPL"));
    acme.driver.executeScript("window.scrollTo(0, 0);");
    acme.screenshot("overview-paper");
  }

  @Test
  @Order(3)
  @DisplayName("a live account shows the live banner, and a live order asks for a confirmation naming the account")
  void liveBanner() {
    new Select(acme.visible(By.id("account-select"))).selectByValue(liveId);
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mode-banner"), "LIVE TRADING"));
    assertThat(acme.driver.findElement(By.id("mode-banner")).getAttribute("class")).contains("live");
    assertThat(acme.driver.findElement(By.id("mode-banner")).getText()).contains("Acme Live Fund");
    acme.type("order-ticket", "Symbol", "AAPL");
    acme.type("order-ticket", "Quantity", "1");
    acme.submit("order-ticket");
    acme.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(acme.driver.findElement(By.id("confirm-text")).getText()).contains("Acme Live Fund");
    acme.screenshot("live-order-confirmation");
    acme.driver.findElement(By.cssSelector("#confirm button[value=cancel]")).click();
    acme.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    acme.screenshot("overview-live");
  }

  @Test
  @Order(4)
  @DisplayName("adding a key shows only its masked form; the secret and the full key id never reach the page")
  void keys() {
    // a reload keeps the session (the HttpOnly cookie), and script cannot read that cookie
    acme.driver.navigate().refresh();
    acme.heading("Overview");
    assertThat((String) acme.driver.executeScript("return document.cookie;")).doesNotContain("keyway_refresh");
    acme.driver.findElement(By.cssSelector("#nav a[href='#/keys']")).click();
    acme.heading("Keys");
    acme.type("key-form", "Label", "main");
    acme.type("key-form", "Key id", KEY_ID);
    acme.type("key-form", "Secret (write-only)", SECRET);
    assertThat(acme.fieldOf("key-form", "Secret (write-only)").getAttribute("type")).isEqualTo("password");
    acme.submit("key-form");
    String masked = acme.visible(By.cssSelector("code.masked")).getText();
    assertThat(masked).isNotBlank().doesNotContain(KEY_ID);
    assertThat(acme.driver.getPageSource()).doesNotContain(SECRET).doesNotContain(KEY_ID);
    acme.screenshot("keys");
  }

  @Test
  @Order(5)
  @DisplayName("the admin pages open: users, accounts, capital flows, ledger verification, theme")
  void adminPages() {
    for (String[] page : new String[][] {{"#/users", "Users"}, {"#/accounts", "Accounts"},
        {"#/flows", "Capital flows"}, {"#/ledger", "Ledger"}, {"#/theme", "Theme"}, {"#/approvals", "Approvals"}}) {
      acme.driver.findElement(By.cssSelector("#nav a[href='" + page[0] + "']")).click();
      acme.heading(page[1]);
      if ("Capital flows".equals(page[1])) {
        depositTwiceFromOneForm();
      }
      if ("Theme".equals(page[1])) {
        themePreviewThenSaved();
      }
      if ("Ledger".equals(page[1])) {
        acme.driver.findElement(By.id("verify")).click();
        acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-result"), "Chain intact"));
      }
      acme.screenshot(page[1].toLowerCase().replace(' ', '-'));
    }
  }

  @Test
  @Order(6)
  @DisplayName("the overview fits a phone's width")
  void phoneWidth() {
    acme.resize(390, 844);
    acme.driver.findElement(By.cssSelector("#nav a[href='#/overview']")).click();
    acme.heading("Overview");
    Long overflow = (Long) acme.driver.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow).isLessThanOrEqualTo(0L);
    acme.screenshot("overview-phone");
    acme.resize(1280, 1000);
  }

  @Test
  @Order(7)
  @DisplayName("a user of another tenant, in a second browser, sees none of acme's accounts or keys; signing out ends the session")
  void otherTenantSeesNothing() {
    TestGateway.Session bob = gateway.signedIn("globex", "bob@globex.test", Role.ADMIN);
    try (Browser globex = new Browser(base)) {
      globex.open("/");
      globex.heading("Sign in");
      globex.type("login-form", "Email", bob.email());
      globex.type("login-form", "Password", bob.password());
      globex.submit("login-form");
      globex.heading("Overview");
      assertThat(globex.driver.findElement(By.tagName("main")).getText()).contains("No trading account");
      globex.driver.findElement(By.cssSelector("#nav a[href='#/keys']")).click();
      globex.heading("Keys");
      globex.visible(By.cssSelector("td.empty"));
      globex.driver.findElement(By.cssSelector("#nav a[href='#/accounts']")).click();
      globex.heading("Accounts");
      globex.visible(By.cssSelector("td.empty"));
      String everything = globex.driver.getPageSource();
      assertThat(everything).doesNotContain("Acme").doesNotContain("alice@acme.test").doesNotContain(paperId);
      // signing out ends the session: a reload does not bring it back
      globex.driver.findElement(By.id("logout")).click();
      globex.heading("Sign in");
      globex.driver.navigate().refresh();
      globex.heading("Sign in");
      assertThat(globex.driver.findElement(By.id("logout")).isDisplayed()).isFalse();
    }
  }

  @Test
  @Order(8)
  @DisplayName("the balance changes live, over the WebSocket, after an allocation made through the API")
  void liveBalance() throws Exception {
    acme.driver.findElement(By.cssSelector("#nav a[href='#/overview']")).click();
    acme.heading("Overview");
    new Select(acme.visible(By.id("account-select"))).selectByValue(paperId);
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-state"), "live"));
    acme.wait.until(d -> !"…".equals(d.findElement(By.id("balance-cash")).getText()));
    java.math.BigDecimal before = new java.math.BigDecimal(acme.visible(By.id("balance-cash")).getText());
    capitalFlow(new JsonObject().put("type", "allocate").put("userId", alice.user().id().toString())
        .put("accountId", paperId).put("amount", "1250"));
    // no reload, no navigation: only a pushed balance frame can change the figure
    java.math.BigDecimal expected = before.add(new java.math.BigDecimal("1250"));
    acme.wait.until(d -> new java.math.BigDecimal(d.findElement(By.id("balance-cash")).getText()).compareTo(expected) == 0);
    acme.screenshot("overview");
  }

  /**
   * The custom CSS previews as it is typed (a blob: stylesheet, allowed by the policy), and once
   * saved it is the tenant's own stylesheet, applied again after a reload.
   */
  private void themePreviewThenSaved() {
    By title = By.cssSelector("main h1");
    acme.type("theme-form", "Custom CSS", "main h1 { letter-spacing: 7px; }");
    acme.wait.until(d -> "7px".equals(d.findElement(title).getCssValue("letter-spacing")));
    acme.submit("theme-form");
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Theme saved"));
    acme.driver.navigate().refresh();
    acme.heading("Theme");
    acme.wait.until(d -> "7px".equals(d.findElement(title).getCssValue("letter-spacing")));
    assertThat(acme.driver.findElement(By.id("tenant-css")).getAttribute("href")).contains("/theme/" + alice.user().tenantId());
  }

  /** The same flow form submitted twice before any answer (a double click) credits once. */
  private void depositTwiceFromOneForm() {
    String aliceId = alice.user().id().toString();
    java.math.BigDecimal before = cash(aliceId);
    new Select(acme.fieldOf("flow-form", "User")).selectByValue(aliceId);
    acme.type("flow-form", "Amount", "7");
    acme.driver.executeScript("const f = document.getElementById('flow-form'); f.requestSubmit(); f.requestSubmit();");
    acme.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flow-result"), "Recorded entry"));
    // both requests have been answered (a resource-timing entry is added when a response completes)
    acme.wait.until(d -> ((Long) acme.driver.executeScript("return performance.getEntriesByType('resource')"
        + ".filter(e => e.name.endsWith('/api/capital-flows')).length;")) >= 2);
    assertThat(cash(aliceId)).isEqualByComparingTo(before.add(java.math.BigDecimal.valueOf(7)));
  }

  private static java.math.BigDecimal cash(String userId) {
    Api.Response r = gateway.api().get("/api/users/" + userId + "/balance", ops.accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return new java.math.BigDecimal(r.json().getString("cash"));
  }

  /** POST /api/capital-flows as the other acme admin, with its own Idempotency-Key; expects 201. */
  private static void capitalFlow(JsonObject body) {
    try {
      var request = HttpRequest.newBuilder(URI.create(base + "/api/capital-flows"))
          .header("Authorization", "Bearer " + ops.accessToken()).header("Content-Type", "application/json")
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .POST(HttpRequest.BodyPublishers.ofString(body.put("currency", "USD").encode())).build();
      HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

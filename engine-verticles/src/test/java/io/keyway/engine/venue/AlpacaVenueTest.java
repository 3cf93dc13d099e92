package io.keyway.engine.venue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.engine.venue.VenueException.Kind;
import io.keyway.vault.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@link AlpacaVenue} against {@link AlpacaDouble} over real HTTP on loopback. Every failure a test
 * sees is also checked for the key id and secret, and so is every log line of the run.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AlpacaVenueTest {
  private static final String KEY_ID = "PKTESTKEYID4Q7W2ZX9M";
  private static final String SECRET = "testSECRETk3Jx9Lm2Np5Rt8Vb0QwZ";
  private static final String FORBIDDEN_KEY_ID = "PKFORBIDDEN8H2J4K6LQ";
  private static final String FORBIDDEN_SECRET = "forbiddenSECRETa1b2c3d4e5f6";
  /** Generous for every call that should get an answer, so a cold JVM's first request is not mistaken for a hung one. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** For the calls that are meant to time out. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(750);
  private static final Instant NOW = Instant.parse("2026-01-02T15:04:05Z");
  private static final OrderIntent BUY_AAPL = OrderIntent.market("AAPL", OrderIntent.Side.BUY, new BigDecimal("1.5"), "test");

  private final List<String> seen = new ArrayList<>();
  private Vertx vertx;
  private AlpacaDouble alpaca;
  private WebClient client;
  private AlpacaVenue venue;
  private AlpacaVenue impatient;
  private ListAppender<ILoggingEvent> logs;
  private Level rootLevel;

  @BeforeEach
  void start(Vertx vertx) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    this.vertx = vertx;
    alpaca = AlpacaDouble.start(vertx, KEY_ID, SECRET).forbiddenKey(FORBIDDEN_KEY_ID, FORBIDDEN_SECRET);
    client = WebClient.create(vertx);
    venue = new AlpacaVenue(client, alpaca.url(), alpaca.url(), TIMEOUT, Clock.fixed(NOW, ZoneOffset.UTC));
    impatient = new AlpacaVenue(client, alpaca.url(), alpaca.url(), SHORT_TIMEOUT, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    client.close();
    alpaca.close();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    seen.add(venue.toString());
    for (String text : seen) {
      assertThat(text).doesNotContain(SECRET).doesNotContain(KEY_ID).doesNotContain(FORBIDDEN_SECRET);
    }
  }

  private static VenueCredential keys() {
    return new VenueCredential(Secret.of(KEY_ID), Secret.of(SECRET));
  }

  /** The call's failure, which must be a VenueException whose text carries no key. */
  private VenueException failure(Future<?> call) {
    Throwable thrown = catchThrowable(() -> call.await());
    assertThat(thrown).isInstanceOf(VenueException.class);
    seen.add(thrown.getMessage());
    seen.add(thrown.toString());
    return (VenueException) thrown;
  }

  @Test
  @DisplayName("cash and equity arrive exactly as Alpaca's strings say, digits and scale included")
  void account() {
    alpaca.account("100023.4512", "250123.98765432109876543");
    Venue.AccountState state = venue.account(keys()).await();
    assertThat(state).isEqualTo(new Venue.AccountState(new BigDecimal("100023.4512"), new BigDecimal("250123.98765432109876543")));
  }

  @Test
  @DisplayName("positions arrive exactly; a short position carries its sign in the quantity")
  void positions() {
    alpaca.position("AAPL", "12.5", "189.123456789", "long").position("TSLA", "3", "250.10", "short");
    assertThat(venue.positions(keys()).await()).containsExactly(
        new Venue.Position("AAPL", new BigDecimal("12.5"), new BigDecimal("189.123456789")),
        new Venue.Position("TSLA", new BigDecimal("-3"), new BigDecimal("250.10")));
  }

  @Test
  @DisplayName("prices come from the data API as the exact mid of bid and ask, or the one side quoted; unknown symbols are left out")
  void prices() {
    alpaca.quote("AAPL", "189.12345678901234567", "189.12345678901234569").quote("MSFT", "0", "410.5");
    AlpacaVenue dataOnly = new AlpacaVenue(client, "http://127.0.0.1:9", alpaca.url(), TIMEOUT, Clock.systemUTC());
    Map<String, BigDecimal> prices = dataOnly.prices(keys(), List.of("AAPL", "MSFT", "NVDA")).await();
    assertThat(prices).isEqualTo(Map.of("AAPL", new BigDecimal("189.12345678901234568"), "MSFT", new BigDecimal("410.5")));

    int before = alpaca.requests();
    assertThat(venue.prices(keys(), List.of()).await()).isEmpty();
    assertThat(alpaca.requests()).as("no symbols, no request").isEqualTo(before);
  }

  @Test
  @DisplayName("a market order goes out in Alpaca's shape with its client order id, fills, and is found again by that id")
  void submitThenQuery() {
    alpaca.quote("AAPL", "190", "190.10").fillMarketOrdersAt("AAPL", "190.05");
    Venue.OrderState placed = venue.submit(keys(), "kw-1", BUY_AAPL).await();
    assertThat(alpaca.lastOrderBody()).isEqualTo(new JsonObject().put("symbol", "AAPL").put("qty", "1.5").put("side", "buy")
        .put("type", "market").put("time_in_force", "day").put("client_order_id", "kw-1"));
    String venueId = alpaca.order("kw-1").getString("id");
    assertThat(placed).isEqualTo(new Venue.OrderState("kw-1", venueId, "filled", new BigDecimal("1.5"), new BigDecimal("190.05")));
    assertThat(venue.order(keys(), "kw-1").await()).isEqualTo(placed);
  }

  @Test
  @DisplayName("a limit order rests as accepted and is canceled through its venue id; canceling it again is fine")
  void limitOrderAndCancel() {
    alpaca.quote("AAPL", "190", "190.10");
    OrderIntent sell = new OrderIntent("AAPL", OrderIntent.Side.SELL, new BigDecimal("2"), OrderIntent.OrderType.LIMIT,
        new BigDecimal("200.25"), "test");
    Venue.OrderState resting = venue.submit(keys(), "kw-limit", sell).await();
    assertThat(alpaca.lastOrderBody().getString("limit_price")).isEqualTo("200.25");
    assertThat(alpaca.lastOrderBody().getString("type")).isEqualTo("limit");
    assertThat(resting.status()).isEqualTo("accepted");
    assertThat(resting.filledQty()).isEqualByComparingTo("0");
    assertThat(resting.avgFillPrice()).isNull();

    venue.cancel(keys(), "kw-limit").await();
    assertThat(alpaca.order("kw-limit").getString("status")).isEqualTo("canceled");
    assertThat(venue.order(keys(), "kw-limit").await().status()).isEqualTo("canceled");
    venue.cancel(keys(), "kw-limit").await();
  }

  @Test
  @DisplayName("canceling a filled order is REJECTED, canceling an unknown one is NOT_FOUND")
  void cancelRefusals() {
    alpaca.quote("AAPL", "190", "190.10").fillMarketOrdersAt("AAPL", "190.05");
    venue.submit(keys(), "kw-done", BUY_AAPL).await();
    assertThat(failure(venue.cancel(keys(), "kw-done")).kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure(venue.cancel(keys(), "kw-never")).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  @DisplayName("a credential closed as soon as the call returns still serves the call's later requests")
  void credentialClosedAfterTheCall() {
    alpaca.quote("AAPL", "190", "190.10");
    venue.submit(keys(), "kw-close", new OrderIntent("AAPL", OrderIntent.Side.BUY, BigDecimal.ONE, OrderIntent.OrderType.LIMIT,
        new BigDecimal("150"), "test")).await();
    Future<Void> cancel;
    try (VenueCredential c = keys()) {
      cancel = venue.cancel(c, "kw-close"); // looks the order up, then deletes it by venue id
    }
    cancel.await();
    assertThat(alpaca.order("kw-close").getString("status")).isEqualTo("canceled");

    VenueCredential closed = keys();
    closed.close();
    assertThat(failure(venue.account(closed)).kind()).isEqualTo(Kind.AUTH);
  }

  @Test
  @DisplayName("a wrong secret (401), a forbidden key (403) and no key at all are AUTH, and not retryable")
  void auth() {
    VenueException wrong = failure(venue.account(new VenueCredential(Secret.of(KEY_ID), Secret.of("not-the-secret"))));
    assertThat(wrong.kind()).isEqualTo(Kind.AUTH);
    assertThat(wrong.getMessage()).contains("401");
    assertThat(wrong.retryable()).isFalse();

    VenueException forbidden = failure(venue.positions(new VenueCredential(Secret.of(FORBIDDEN_KEY_ID), Secret.of(FORBIDDEN_SECRET))));
    assertThat(forbidden.kind()).isEqualTo(Kind.AUTH);
    assertThat(forbidden.getMessage()).contains("403");

    int before = alpaca.requests();
    assertThat(failure(venue.account(null)).kind()).isEqualTo(Kind.AUTH);
    assertThat(alpaca.requests()).as("nothing sent without a key").isEqualTo(before);
  }

  @Test
  @DisplayName("an order Alpaca refuses (422) is REJECTED with Alpaca's message; nothing is held")
  void rejected() {
    VenueException e = failure(venue.submit(keys(), "kw-zzzz", OrderIntent.market("ZZZZ", OrderIntent.Side.BUY, BigDecimal.ONE, "t")));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("422").contains("asset \"ZZZZ\" not found");
    assertThat(e.retryable()).isFalse();
    assertThat(alpaca.ordersHeld()).isZero();
  }

  @Test
  @DisplayName("Alpaca's 403 for insufficient buying power refuses the order, not the key: REJECTED")
  void buyingPower() {
    alpaca.quote("AAPL", "190", "190.10").answerNext(1, 403, "insufficient buying power");
    VenueException e = failure(venue.submit(keys(), "kw-poor", BUY_AAPL));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("insufficient buying power");
  }

  @Test
  @DisplayName("an unknown client order id is NOT_FOUND")
  void notFound() {
    assertThat(failure(venue.order(keys(), "kw-unknown")).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  @DisplayName("429 is RATE_LIMITED for the Retry-After given in seconds or as an HTTP-date, and for 1 s without one")
  void rateLimited() {
    alpaca.rateLimitNext(1, "7");
    VenueException seconds = failure(venue.account(keys()));
    assertThat(seconds.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(seconds.retryable()).isTrue();
    assertThat(seconds.retryAfter()).hasValue(Duration.ofSeconds(7));

    alpaca.rateLimitNext(1, "Fri, 02 Jan 2026 15:04:17 GMT");
    assertThat(failure(venue.account(keys())).retryAfter()).hasValue(Duration.ofSeconds(12));

    alpaca.rateLimitNext(1, null);
    assertThat(failure(venue.account(keys())).retryAfter()).hasValue(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("503 is UNAVAILABLE and retryable; the next call goes through")
  void unavailable() {
    alpaca.account("10", "10").answerNext(1, 503, "service unavailable");
    VenueException e = failure(venue.account(keys()));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.retryable()).isTrue();
    assertThat(venue.account(keys()).await().cash()).isEqualByComparingTo("10");
  }

  @Test
  @DisplayName("a request Alpaca never answers is UNAVAILABLE once the timeout has passed, not later")
  void hung() {
    alpaca.hangNext(1);
    long started = System.nanoTime();
    VenueException e = failure(impatient.account(keys()));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains("no answer within 750 ms");
    assertThat(took).isBetween(SHORT_TIMEOUT.minusMillis(50), SHORT_TIMEOUT.plusSeconds(2));
  }

  @Test
  @DisplayName("a venue nobody listens on is UNAVAILABLE")
  void refused() {
    AlpacaDouble gone = AlpacaDouble.start(vertx, KEY_ID, SECRET);
    String url = gone.url();
    gone.close();
    AlpacaVenue nowhere = new AlpacaVenue(client, url, url, TIMEOUT, Clock.systemUTC());
    assertThat(failure(nowhere.account(keys())).kind()).isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  @DisplayName("a redirect is not followed: the keys never go to another host, and the call is UNAVAILABLE")
  void noRedirects() {
    try (AlpacaDouble elsewhere = AlpacaDouble.start(vertx, "PKOTHER", "other-secret")) {
      alpaca.redirectNextTo(1, elsewhere.url() + "/v2/account");
      assertThat(failure(venue.account(keys())).kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(elsewhere.requests()).isZero();
      assertThat(elsewhere.lastSecretHeader()).isNull();
    }
  }

  @Test
  @DisplayName("the same client order id submitted twice is one order at Alpaca, and both answers are that order")
  void sameClientOrderIdTwice() {
    alpaca.quote("AAPL", "190", "190.10").fillMarketOrdersAt("AAPL", "190.05");
    Venue.OrderState first = venue.submit(keys(), "kw-twice", BUY_AAPL).await();
    Venue.OrderState again = venue.submit(keys(), "kw-twice", BUY_AAPL).await();
    assertThat(again).isEqualTo(first);
    assertThat(alpaca.submissions("kw-twice")).as("both reached Alpaca").isEqualTo(2);
    assertThat(alpaca.ordersHeld()).isEqualTo(1);
  }

  @Test
  @DisplayName("an order that reached Alpaca but whose answer timed out is retried into the same order, not a second one")
  void retryAfterLostAnswer() {
    alpaca.quote("AAPL", "190", "190.10").fillMarketOrdersAt("AAPL", "190.05").processThenHangNext(1);
    VenueException lost = failure(impatient.submit(keys(), "kw-lost", BUY_AAPL));
    assertThat(lost.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(alpaca.order("kw-lost")).as("the first attempt did reach Alpaca").isNotNull();

    Venue.OrderState retried = venue.submit(keys(), "kw-lost", BUY_AAPL).await();
    assertThat(retried.venueOrderId()).isEqualTo(alpaca.order("kw-lost").getString("id"));
    assertThat(retried.status()).isEqualTo("filled");
    assertThat(alpaca.submissions("kw-lost")).isEqualTo(2);
    assertThat(alpaca.ordersHeld()).isEqualTo(1);
  }

  @Test
  @DisplayName("when Alpaca says the id is taken but cannot show that order yet, the retry is UNAVAILABLE, not NOT_FOUND")
  void takenButNotVisibleYet() {
    alpaca.quote("AAPL", "190", "190.10").fillMarketOrdersAt("AAPL", "190.05");
    venue.submit(keys(), "kw-slow", BUY_AAPL).await();
    alpaca.passNext(1).answerNext(1, 404, "order not found");
    VenueException e = failure(venue.submit(keys(), "kw-slow", BUY_AAPL));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(alpaca.submissions("kw-slow")).isEqualTo(2);
    assertThat(alpaca.ordersHeld()).isEqualTo(1);
  }

  @Test
  @DisplayName("the keys travel in Alpaca's two headers and nowhere else: not in failures, even ones that echo them, nor in toString")
  void keysStayInTheHeaders() {
    alpaca.account("1", "1");
    venue.account(keys()).await();
    assertThat(alpaca.lastKeyIdHeader()).isEqualTo(KEY_ID);
    assertThat(alpaca.lastSecretHeader()).isEqualTo(SECRET);

    alpaca.answerNext(1, 500, "upstream refused key " + KEY_ID + " with secret " + SECRET);
    VenueException echoed = failure(venue.account(keys()));
    assertThat(echoed.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(echoed.getMessage()).contains("upstream refused key *** with secret ***");

    alpaca.answerNext(1, 422, "bad secret " + SECRET).quote("AAPL", "1", "1");
    failure(venue.submit(keys(), "kw-echo", BUY_AAPL));
    seen.add(keys().toString());
    seen.add(venue.toString());
    // the checks themselves run after each test, over everything seen and every log line
  }

  @ParameterizedTest(name = "Alpaca {0} with {1} of {2} filled is {3}")
  @CsvSource({
      "pending_new, 0, 5, pending",
      "accepted, 0, 5, accepted",
      "new, 0, 5, accepted",
      "new, 2, 5, partially_filled",
      "partially_filled, 2, 5, partially_filled",
      "filled, 5, 5, filled",
      "done_for_day, 2, 5, partially_filled",
      "calculated, 5, 5, filled",
      "pending_cancel, 0, 5, accepted",
      "canceled, 2, 5, canceled",
      "expired, 0, 5, expired",
      "rejected, 0, 5, rejected",
      "replaced, 0, 5, canceled",
      "suspended, 0, 5, pending",
      "something_new, 0, 5, pending",
  })
  @DisplayName("Alpaca's order statuses in ours")
  void statuses(String alpacaStatus, String filled, String qty, String ours) {
    assertThat(AlpacaJson.status(alpacaStatus, new BigDecimal(filled), new BigDecimal(qty))).isEqualTo(ours);
  }
}

package io.keyway.engine.venue;

import io.keyway.engine.strategy.OrderIntent;
import io.keyway.engine.venue.VenueException.Kind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.uritemplate.UriTemplate;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alpaca's Trading API v2 (account, positions, orders) and Market Data API v2 (latest quotes) over
 * the Vert.x WebClient. The keys go into the {@code APCA-API-KEY-ID} and {@code APCA-API-SECRET-KEY}
 * headers and nowhere else: whatever text a failure carries is scrubbed of them first. Every order
 * goes out with its client order id, and Alpaca refuses a second order with an id it knows
 * ("client_order_id must be unique"); that refusal is answered with the order Alpaca already has,
 * so a retry after a timeout never becomes a second order.
 */
public final class AlpacaVenue implements Venue {
  /** Trading API of paper accounts. */
  public static final String PAPER_URL = "https://paper-api.alpaca.markets";
  /** Trading API of live accounts. */
  public static final String LIVE_URL = "https://api.alpaca.markets";
  /** Market Data API, for paper and live keys alike. */
  public static final String DATA_URL = "https://data.alpaca.markets";
  /** How long connecting, or waiting for any byte of the answer, may take before a call is UNAVAILABLE. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  static final String KEY_ID_HEADER = "APCA-API-KEY-ID";
  static final String SECRET_HEADER = "APCA-API-SECRET-KEY";
  private static final Logger LOG = LoggerFactory.getLogger(AlpacaVenue.class);
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  private static final String DUPLICATE_CLIENT_ORDER_ID = "client_order_id must be unique";
  /** Alpaca's 403s to an order the account cannot afford or may not place now: refusals of the order, not of the key. */
  private static final List<String> ORDER_REFUSED_WITH_403 = List.of("insufficient", "buying power", "wash trade", "pattern day");
  private static final UnaryOperator<HttpRequest<Buffer>> NO_PARAMS = r -> r;

  private static final Endpoint ACCOUNT = Endpoint.of(HttpMethod.GET, "trading", "/v2/account", "");
  private static final Endpoint POSITIONS = Endpoint.of(HttpMethod.GET, "trading", "/v2/positions", "");
  private static final Endpoint SUBMIT = Endpoint.of(HttpMethod.POST, "trading", "/v2/orders", "");
  private static final Endpoint BY_CLIENT_ORDER_ID =
      Endpoint.of(HttpMethod.GET, "trading", "/v2/orders:by_client_order_id", "{?client_order_id}");
  private static final Endpoint CANCEL = Endpoint.of(HttpMethod.DELETE, "trading", "/v2/orders/{id}", "");
  private static final Endpoint QUOTES = Endpoint.of(HttpMethod.GET, "data", "/v2/stocks/quotes/latest", "{?symbols}");

  private final WebClient client;
  private final String tradingUrl;
  private final String dataUrl;
  private final long timeoutMillis;
  private final Clock clock;

  /** {@code client} is shared, owned and closed by the caller; {@code clock} reads an HTTP-date Retry-After. */
  public AlpacaVenue(WebClient client, String tradingUrl, String dataUrl, Duration timeout, Clock clock) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive");
    }
    this.client = Objects.requireNonNull(client);
    this.tradingUrl = tradingUrl.replaceAll("/+$", "");
    this.dataUrl = dataUrl.replaceAll("/+$", "");
    this.timeoutMillis = timeout.toMillis();
    this.clock = Objects.requireNonNull(clock);
  }

  /** Alpaca for an account of kind {@code paper} or {@code live}, with the default timeout. */
  public static AlpacaVenue forKind(WebClient client, String kind) {
    String url = switch (kind) {
      case "paper" -> PAPER_URL;
      case "live" -> LIVE_URL;
      default -> throw new IllegalArgumentException("no Alpaca trading API for account kind " + kind);
    };
    return new AlpacaVenue(client, url, DATA_URL, DEFAULT_TIMEOUT, Clock.systemUTC());
  }

  @Override
  public Future<AccountState> account(VenueCredential credential) {
    return withKeys(credential, keys -> send(ACCOUNT, keys, NO_PARAMS, null)
        .compose(r -> read(r, ACCOUNT, keys, ok -> AlpacaJson.account(ok.bodyAsJsonObject()))));
  }

  @Override
  public Future<List<Position>> positions(VenueCredential credential) {
    return withKeys(credential, keys -> send(POSITIONS, keys, NO_PARAMS, null)
        .compose(r -> read(r, POSITIONS, keys, ok -> AlpacaJson.positions(ok.bodyAsJsonArray()))));
  }

  @Override
  public Future<OrderState> submit(VenueCredential credential, String clientOrderId, OrderIntent intent) {
    return withKeys(credential, keys -> send(SUBMIT, keys, NO_PARAMS, AlpacaJson.orderBody(clientOrderId, intent))
        .compose(r -> {
          String message = r.statusCode() / 100 == 2 ? "" : AlpacaJson.message(r.body()).toLowerCase(Locale.ROOT);
          if (r.statusCode() == 422 && message.contains(DUPLICATE_CLIENT_ORDER_ID)) {
            LOG.info("alpaca already has order {}: answering that one instead of placing another", clientOrderId);
            return existing(keys, clientOrderId);
          }
          if (r.statusCode() == 403 && ORDER_REFUSED_WITH_403.stream().anyMatch(message::contains)) {
            return Future.failedFuture(refusal(r, SUBMIT, keys, Kind.REJECTED));
          }
          return read(r, SUBMIT, keys, ok -> AlpacaJson.order(ok.bodyAsJsonObject()));
        }));
  }

  @Override
  public Future<OrderState> order(VenueCredential credential, String clientOrderId) {
    return withKeys(credential, keys -> byClientOrderId(keys, clientOrderId));
  }

  /** Cancels what is left of the order; an order already canceled is fine, a finished one is refused. */
  @Override
  public Future<Void> cancel(VenueCredential credential, String clientOrderId) {
    return withKeys(credential, keys -> byClientOrderId(keys, clientOrderId).compose(order -> switch (order.status()) {
      case "canceled" -> Future.<Void>succeededFuture();
      case "filled", "expired", "rejected" -> Future.<Void>failedFuture(new VenueException(Kind.REJECTED,
          "alpaca: order " + clientOrderId + " is already " + order.status() + ", nothing left to cancel", null));
      default -> send(CANCEL, keys, r -> r.setTemplateParam("id", order.venueOrderId()), null)
          .compose(r -> read(r, CANCEL, keys, ok -> (Void) null));
    }));
  }

  /** The mid of the latest bid and ask (or the one side quoted) of each symbol Alpaca knows. */
  @Override
  public Future<Map<String, BigDecimal>> prices(VenueCredential credential, List<String> symbols) {
    if (symbols.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return withKeys(credential, keys -> send(QUOTES, keys, r -> r.setTemplateParam("symbols", List.copyOf(symbols)), null)
        .compose(r -> read(r, QUOTES, keys, ok -> AlpacaJson.midQuotes(ok.bodyAsBuffer()))));
  }

  @Override
  public String toString() {
    return "AlpacaVenue[" + tradingUrl + ", " + dataUrl + "]";
  }

  private Future<OrderState> byClientOrderId(Keys keys, String clientOrderId) {
    return send(BY_CLIENT_ORDER_ID, keys, r -> r.setTemplateParam("client_order_id", clientOrderId), null)
        .compose(r -> read(r, BY_CLIENT_ORDER_ID, keys, ok -> AlpacaJson.order(ok.bodyAsJsonObject())));
  }

  /** Alpaca said it has this order: not finding it yet is a moment's delay, not a missing order. */
  private Future<OrderState> existing(Keys keys, String clientOrderId) {
    return byClientOrderId(keys, clientOrderId).recover(e -> Future.failedFuture(
        e instanceof VenueException v && v.kind() == Kind.NOT_FOUND
            ? new VenueException(Kind.UNAVAILABLE, "alpaca has order " + clientOrderId + " but cannot show it yet", null)
            : e));
  }

  /** Reveals the keys once, at the start of the call, so no later step depends on the credential still being open. */
  private static <T> Future<T> withKeys(VenueCredential credential, Function<Keys, Future<T>> call) {
    if (credential == null) {
      return Future.failedFuture(new VenueException(Kind.AUTH, "alpaca needs an API key and none was given", null));
    }
    Keys keys;
    try {
      keys = new Keys(credential.keyId().reveal(), credential.secret().reveal());
    } catch (IllegalStateException cleared) {
      return Future.failedFuture(new VenueException(Kind.AUTH, "alpaca: the credential was closed before the call", null));
    }
    return call.apply(keys);
  }

  /** Any answer the venue gives, whatever its status; no answer at all fails UNAVAILABLE. */
  private Future<HttpResponse<Buffer>> send(Endpoint endpoint, Keys keys, UnaryOperator<HttpRequest<Buffer>> params,
      JsonObject body) {
    try {
      HttpRequest<Buffer> request = params.apply(client.requestAbs(endpoint.method(), endpoint.uri())
          .setTemplateParam("trading", tradingUrl)
          .setTemplateParam("data", dataUrl)
          .putHeader(KEY_ID_HEADER, keys.keyId())
          .putHeader(SECRET_HEADER, keys.secret())
          .followRedirects(false) // a redirected request would carry the key headers to another host
          .connectTimeout(timeoutMillis)
          .idleTimeout(timeoutMillis));
      return (body == null ? request.send() : request.sendJsonObject(body))
          .recover(e -> Future.failedFuture(unreachable(endpoint, keys, e)));
    } catch (RuntimeException e) {
      return Future.failedFuture(unreachable(endpoint, keys, e));
    }
  }

  private <T> Future<T> read(HttpResponse<Buffer> r, Endpoint endpoint, Keys keys, Function<HttpResponse<Buffer>, T> reader) {
    if (r.statusCode() / 100 != 2) {
      return Future.failedFuture(refusal(r, endpoint, keys, kindOf(r.statusCode())));
    }
    try {
      return Future.succeededFuture(reader.apply(r));
    } catch (RuntimeException unreadable) {
      return Future.failedFuture(new VenueException(Kind.UNAVAILABLE, "alpaca: unreadable answer to " + endpoint.name(), null));
    }
  }

  private static Kind kindOf(int status) {
    return switch (status) {
      case 401, 403 -> Kind.AUTH;
      case 404 -> Kind.NOT_FOUND;
      case 408 -> Kind.UNAVAILABLE;
      case 429 -> Kind.RATE_LIMITED;
      default -> status >= 400 && status < 500 ? Kind.REJECTED : Kind.UNAVAILABLE;
    };
  }

  private VenueException refusal(HttpResponse<Buffer> r, Endpoint endpoint, Keys keys, Kind kind) {
    String text = "alpaca " + r.statusCode() + " on " + endpoint.name() + ": " + AlpacaJson.message(r.body());
    Duration retryAfter = switch (kind) {
      case RATE_LIMITED -> RetryAfter.parse(r.getHeader("Retry-After"), r.getHeader("X-RateLimit-Reset"), clock.instant(),
          DEFAULT_RETRY_AFTER);
      case UNAVAILABLE -> RetryAfter.parse(r.getHeader("Retry-After"), null, clock.instant(), null);
      default -> null;
    };
    return new VenueException(kind, keys.redact(text), retryAfter);
  }

  private VenueException unreachable(Endpoint endpoint, Keys keys, Throwable e) {
    String why = e instanceof TimeoutException ? "no answer within " + timeoutMillis + " ms"
        : "unreachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
    return new VenueException(Kind.UNAVAILABLE, keys.redact("alpaca " + endpoint.name() + ": " + why), null);
  }

  /** One Alpaca endpoint: a URI template under the {@code trading} or {@code data} base, and its name in messages. */
  private record Endpoint(HttpMethod method, UriTemplate uri, String name) {
    static Endpoint of(HttpMethod method, String base, String path, String query) {
      return new Endpoint(method, UriTemplate.of("{+" + base + "}" + path + query), method + " " + path);
    }
  }

  /** The two header values of one call; never printed, and cut out of any text a failure carries. */
  private record Keys(String keyId, String secret) {
    String redact(String text) {
      String out = text;
      for (String plaintext : List.of(secret, keyId)) {
        if (!plaintext.isEmpty()) {
          out = out.replace(plaintext, "***");
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "Keys[***]";
    }
  }
}

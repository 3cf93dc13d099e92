package io.keyway.engine.venue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Alpaca's Trading and Market Data APIs as far as {@link AlpacaVenue} uses them, on 127.0.0.1 at a
 * free port: the same paths, key headers, JSON shapes (amounts as strings, quotes as numbers) and
 * status codes. It keeps orders by client order id and, like Alpaca, answers a second order with a
 * known id with 422 "client_order_id must be unique". Market orders fill at once at the price set
 * with {@link #fillMarketOrdersAt}, or wait as "accepted" (a closed market) without one; limit orders
 * rest as "new". It can be told to answer the next requests with an error, to swallow them, or to
 * carry them out and swallow the answer (the request reached Alpaca, the response never came back);
 * order submissions alone can be answered with 429, so that quotes keep flowing through a storm. It
 * records every request it gets ({@link #seen()}), with the key id it carried and the status it
 * answered. Its state is guarded by its monitor: tests set it up on their thread, the server reads
 * it on an event loop. Public for the gateway's tests, which get it through this module's test-jar.
 */
public final class AlpacaDouble implements AutoCloseable {
  private static final Set<String> FINISHED = Set.of("filled", "canceled", "expired", "rejected");

  /** What to do with one of the next requests instead of the normal answer. */
  private record Script(Kind kind, int status, String message, Map<String, String> headers) {
    enum Kind { PASS, ANSWER, HANG, PROCESS_THEN_HANG }
  }

  /** One answer: a status, a JSON body (or none) and headers. */
  private record Reply(int status, Object json, Map<String, String> headers) {
    static Reply ok(Object json) {
      return new Reply(200, json, Map.of());
    }

    static Reply error(int status, int code, String message) {
      return new Reply(status, new JsonObject().put("code", code).put("message", message), Map.of());
    }
  }

  private final HttpServer server;
  private final Map<String, String> validKeys = new HashMap<>();
  private final Map<String, String> forbiddenKeys = new HashMap<>();
  private final Deque<Script> scripts = new ArrayDeque<>();
  private final Map<String, Deque<Script>> orderScripts = new HashMap<>();
  private final List<Seen> seen = new ArrayList<>();
  private final List<HttpServerRequest> swallowed = new ArrayList<>();
  private final Map<String, JsonObject> orders = new LinkedHashMap<>();
  private final Map<String, Integer> submissions = new HashMap<>();
  private final Map<String, BigDecimal[]> quotes = new LinkedHashMap<>();
  private final Map<String, String> fillPrices = new HashMap<>();
  private JsonObject account = new JsonObject().put("cash", "0").put("equity", "0");
  private final JsonArray positions = new JsonArray();
  private JsonObject lastOrderBody;
  private String lastKeyIdHeader;
  private String lastSecretHeader;
  private int requests;

  private AlpacaDouble(Vertx vertx) {
    this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> answer(req, body)));
  }

  /** Listens on 127.0.0.1 at a free port; {@code keyId}/{@code secret} is the one valid key pair. */
  public static AlpacaDouble start(Vertx vertx, String keyId, String secret) {
    AlpacaDouble d = new AlpacaDouble(vertx);
    d.validKeys.put(keyId, secret);
    d.server.listen(0, "127.0.0.1").await();
    return d;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * One request as the double got it: what was asked, with which key id (null without the header),
   * and the status it was answered with (0 when it was never answered). {@code clientOrderId} and
   * {@code symbol} are those of an order submission's body, null for any other request.
   */
  public record Seen(String method, String path, String keyId, int status, String clientOrderId, String symbol) {
    public boolean orderSubmission() {
      return "POST".equals(method) && "/v2/orders".equals(path);
    }
  }

  /** One more valid key pair: Alpaca accepts it from now on, beside the others. */
  public synchronized AlpacaDouble acceptKey(String keyId, String secret) {
    validKeys.put(keyId, secret);
    return this;
  }

  /** Alpaca no longer knows this key id: its requests are answered 401 from now on. */
  public synchronized AlpacaDouble refuseKey(String keyId) {
    validKeys.remove(keyId);
    return this;
  }

  /**
   * The next {@code times} submissions of orders for {@code symbol} get 429 with Retry-After {@code retryAfter};
   * every other request is answered as usual.
   */
  public synchronized AlpacaDouble rateLimitNextOrders(String symbol, int times, String retryAfter) {
    Deque<Script> queue = orderScripts.computeIfAbsent(symbol, s -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(new Script(Script.Kind.ANSWER, 429, "too many requests", Map.of("Retry-After", retryAfter)));
    }
    return this;
  }

  /** Every request so far, in the order they arrived. */
  public synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** A key pair Alpaca knows but that may not do this (403). */
  public synchronized AlpacaDouble forbiddenKey(String keyId, String secret) {
    forbiddenKeys.put(keyId, secret);
    return this;
  }

  public synchronized AlpacaDouble account(String cash, String equity) {
    account = new JsonObject().put("id", UUID.randomUUID().toString()).put("account_number", "PA3TEST").put("status", "ACTIVE")
        .put("currency", "USD").put("cash", cash).put("equity", equity).put("buying_power", cash).put("pattern_day_trader", false);
    return this;
  }

  public synchronized AlpacaDouble position(String symbol, String qty, String avgEntryPrice, String side) {
    positions.add(new JsonObject().put("asset_id", UUID.randomUUID().toString()).put("symbol", symbol).put("exchange", "NASDAQ")
        .put("asset_class", "us_equity").put("qty", qty).put("avg_entry_price", avgEntryPrice).put("side", side)
        .put("market_value", "0").put("unrealized_pl", "0"));
    return this;
  }

  /** Quotes the symbol (as JSON numbers, to the digit given) and makes it tradable; "0" is an empty side. */
  public synchronized AlpacaDouble quote(String symbol, String bid, String ask) {
    quotes.put(symbol, new BigDecimal[] {new BigDecimal(bid), new BigDecimal(ask)});
    return this;
  }

  public synchronized AlpacaDouble fillMarketOrdersAt(String symbol, String price) {
    fillPrices.put(symbol, price);
    return this;
  }

  /** The next {@code times} requests are answered normally (to aim what follows at a later request). */
  public synchronized AlpacaDouble passNext(int times) {
    return script(times, new Script(Script.Kind.PASS, 0, null, Map.of()));
  }

  /** The next {@code times} requests get {@code status} with Alpaca's error body carrying {@code message}. */
  public synchronized AlpacaDouble answerNext(int times, int status, String message) {
    return script(times, new Script(Script.Kind.ANSWER, status, message, Map.of()));
  }

  /** The next {@code times} requests get 429, with {@code retryAfter} as Retry-After unless it is null. */
  public synchronized AlpacaDouble rateLimitNext(int times, String retryAfter) {
    return script(times, new Script(Script.Kind.ANSWER, 429, "too many requests",
        retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter)));
  }

  /** The next {@code times} requests are redirected (302) to {@code location}. */
  public synchronized AlpacaDouble redirectNextTo(int times, String location) {
    return script(times, new Script(Script.Kind.ANSWER, 302, "moved", Map.of("Location", location)));
  }

  /** The next {@code times} requests are neither carried out nor answered. */
  public synchronized AlpacaDouble hangNext(int times) {
    return script(times, new Script(Script.Kind.HANG, 0, null, Map.of()));
  }

  /** The next {@code times} requests are carried out, but their answer never leaves. */
  public synchronized AlpacaDouble processThenHangNext(int times) {
    return script(times, new Script(Script.Kind.PROCESS_THEN_HANG, 0, null, Map.of()));
  }

  /** How many order submissions with this client order id got past the key check. */
  public synchronized int submissions(String clientOrderId) {
    return submissions.getOrDefault(clientOrderId, 0);
  }

  public synchronized int ordersHeld() {
    return orders.size();
  }

  public synchronized JsonObject order(String clientOrderId) {
    JsonObject o = orders.get(clientOrderId);
    return o == null ? null : o.copy();
  }

  public synchronized JsonObject lastOrderBody() {
    return lastOrderBody;
  }

  public synchronized String lastKeyIdHeader() {
    return lastKeyIdHeader;
  }

  public synchronized String lastSecretHeader() {
    return lastSecretHeader;
  }

  public synchronized int requests() {
    return requests;
  }

  @Override
  public void close() {
    server.close().await();
  }

  private AlpacaDouble script(int times, Script script) {
    for (int i = 0; i < times; i++) {
      scripts.add(script);
    }
    return this;
  }

  private synchronized void answer(HttpServerRequest req, Buffer body) {
    requests++;
    boolean orderSubmission = req.method() == HttpMethod.POST && req.path().equals("/v2/orders");
    JsonObject order = orderSubmission ? orderBody(body) : null;
    Deque<Script> forSymbol = orderScripts.get(symbol(order));
    Script script = forSymbol != null && !forSymbol.isEmpty() ? forSymbol.poll() : scripts.poll();
    String keyId = req.getHeader(AlpacaVenue.KEY_ID_HEADER);
    if (script != null && script.kind() == Script.Kind.HANG) {
      seen.add(new Seen(req.method().name(), req.path(), keyId, 0, clientOrderId(order), symbol(order)));
      swallowed.add(req);
      return;
    }
    Reply reply = script != null && script.kind() == Script.Kind.ANSWER
        ? new Reply(script.status(), new JsonObject().put("code", script.status() * 100000).put("message", script.message()),
            script.headers())
        : keysRefused(req);
    if (reply == null) {
      reply = route(req, body);
    }
    boolean answered = script == null || script.kind() != Script.Kind.PROCESS_THEN_HANG;
    seen.add(new Seen(req.method().name(), req.path(), keyId, answered ? reply.status() : 0, clientOrderId(order),
        symbol(order)));
    if (!answered) {
      swallowed.add(req);
      return;
    }
    var response = req.response().setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    if (reply.json() == null) {
      response.end();
    } else {
      response.putHeader("Content-Type", "application/json").end(reply.json() instanceof JsonObject o ? o.encode()
          : ((JsonArray) reply.json()).encode());
    }
  }

  private static JsonObject orderBody(Buffer body) {
    try {
      return body.toJsonObject();
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String clientOrderId(JsonObject order) {
    return order == null ? null : order.getString("client_order_id");
  }

  private static String symbol(JsonObject order) {
    return order == null ? null : order.getString("symbol");
  }

  private Reply keysRefused(HttpServerRequest req) {
    lastKeyIdHeader = req.getHeader(AlpacaVenue.KEY_ID_HEADER);
    lastSecretHeader = req.getHeader(AlpacaVenue.SECRET_HEADER);
    if (lastKeyIdHeader == null || lastSecretHeader == null) {
      return Reply.error(401, 40110000, "request is not authorized");
    }
    if (lastSecretHeader.equals(forbiddenKeys.get(lastKeyIdHeader))) {
      return Reply.error(403, 40310000, "forbidden");
    }
    return lastSecretHeader.equals(validKeys.get(lastKeyIdHeader)) ? null : Reply.error(401, 40110000, "request is not authorized");
  }

  private Reply route(HttpServerRequest req, Buffer body) {
    String path = req.path();
    HttpMethod method = req.method();
    if (method == HttpMethod.GET && path.equals("/v2/account")) {
      return Reply.ok(account.copy());
    }
    if (method == HttpMethod.GET && path.equals("/v2/positions")) {
      return Reply.ok(positions.copy());
    }
    if (method == HttpMethod.POST && path.equals("/v2/orders")) {
      return submit(body);
    }
    if (method == HttpMethod.GET && path.equals("/v2/orders:by_client_order_id")) {
      JsonObject o = orders.get(String.valueOf(req.getParam("client_order_id")));
      return o == null ? Reply.error(404, 40410000, "order not found") : Reply.ok(o.copy());
    }
    if (method == HttpMethod.DELETE && path.startsWith("/v2/orders/")) {
      return cancel(path.substring("/v2/orders/".length()));
    }
    if (method == HttpMethod.GET && path.equals("/v2/stocks/quotes/latest")) {
      return latestQuotes(req.getParam("symbols"));
    }
    return Reply.error(404, 40410000, "endpoint not found");
  }

  private Reply submit(Buffer body) {
    JsonObject o = body.toJsonObject();
    lastOrderBody = o.copy();
    String clientOrderId = o.getString("client_order_id", UUID.randomUUID().toString());
    submissions.merge(clientOrderId, 1, Integer::sum);
    if (orders.containsKey(clientOrderId)) {
      return Reply.error(422, 40010001, "client_order_id must be unique");
    }
    String symbol = o.getString("symbol");
    String type = o.getString("type");
    if (!quotes.containsKey(symbol)) {
      return Reply.error(422, 40010001, "asset \"" + symbol + "\" not found");
    }
    if (!(o.getValue("qty") instanceof String qty) || new BigDecimal(qty).signum() <= 0) {
      return Reply.error(422, 40010001, "qty must be > 0");
    }
    if (!Set.of("buy", "sell").contains(o.getString("side")) || !Set.of("market", "limit").contains(type)
        || !"day".equals(o.getString("time_in_force"))) {
      return Reply.error(422, 40010001, "invalid side, type or time_in_force");
    }
    if ("limit".equals(type) != (o.getValue("limit_price") instanceof String)) {
      return Reply.error(422, 40010001, "limit_price is required for limit orders, and only for them");
    }
    String fill = "market".equals(type) ? fillPrices.get(symbol) : null;
    JsonObject order = new JsonObject().put("id", UUID.randomUUID().toString()).put("client_order_id", clientOrderId)
        .put("created_at", "2026-01-02T15:04:05.123456Z").put("symbol", symbol).put("asset_class", "us_equity")
        .put("qty", qty).put("notional", null).put("filled_qty", fill == null ? "0" : qty).put("filled_avg_price", fill)
        .put("order_type", type).put("type", type).put("side", o.getString("side")).put("time_in_force", "day")
        .put("limit_price", o.getString("limit_price")).put("extended_hours", false)
        .put("status", fill != null ? "filled" : "market".equals(type) ? "accepted" : "new");
    orders.put(clientOrderId, order);
    return Reply.ok(order.copy());
  }

  private Reply cancel(String venueOrderId) {
    for (JsonObject o : orders.values()) {
      if (o.getString("id").equals(venueOrderId)) {
        if (FINISHED.contains(o.getString("status"))) {
          return Reply.error(422, 42210000, "order is not cancelable");
        }
        o.put("status", "canceled").put("canceled_at", "2026-01-02T15:05:00Z");
        return new Reply(204, null, Map.of());
      }
    }
    return Reply.error(404, 40410000, "order not found");
  }

  private Reply latestQuotes(String symbols) {
    if (symbols == null || symbols.isBlank()) {
      return Reply.error(400, 40010001, "missing symbols");
    }
    JsonObject out = new JsonObject();
    for (String symbol : symbols.split(",")) {
      BigDecimal[] q = quotes.get(symbol);
      if (q != null) {
        out.put(symbol, new JsonObject().put("ap", q[1]).put("as", 3).put("ax", "V").put("bp", q[0]).put("bs", 2)
            .put("bx", "V").put("c", new JsonArray().add("R")).put("t", "2026-01-02T15:04:05.000Z").put("z", "C"));
      }
    }
    return Reply.ok(new JsonObject().put("quotes", out));
  }
}

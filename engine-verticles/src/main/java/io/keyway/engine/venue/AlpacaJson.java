package io.keyway.engine.venue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyway.engine.strategy.OrderIntent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alpaca's JSON in and out. Every amount becomes a {@link BigDecimal} from the text Alpaca sent,
 * never through a {@code double}: the trading API sends amounts as strings, and the market data
 * API's numeric quotes are read token by token for the same reason (Vert.x's {@code JsonObject}
 * would turn them into doubles). Anything malformed throws; the venue treats that as unavailable.
 */
final class AlpacaJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  /** Long enough to say what went wrong, short enough not to paste a whole HTML error page. */
  private static final int MAX_MESSAGE = 200;

  private AlpacaJson() {}

  /** The body of {@code POST /v2/orders}: quantities and prices as strings, day orders only. */
  static JsonObject orderBody(String clientOrderId, OrderIntent intent) {
    JsonObject body = new JsonObject()
        .put("symbol", intent.symbol())
        .put("qty", intent.qty().toPlainString())
        .put("side", intent.side() == OrderIntent.Side.BUY ? "buy" : "sell")
        .put("type", intent.type() == OrderIntent.OrderType.LIMIT ? "limit" : "market")
        .put("time_in_force", "day")
        .put("client_order_id", clientOrderId);
    if (intent.type() == OrderIntent.OrderType.LIMIT) {
      body.put("limit_price", intent.limitPrice().toPlainString());
    }
    return body;
  }

  static Venue.AccountState account(JsonObject json) {
    return new Venue.AccountState(required(json, "cash"), required(json, "equity"));
  }

  /** Alpaca reports a short position with side "short"; ours carries the sign in the quantity. */
  static List<Venue.Position> positions(JsonArray json) {
    List<Venue.Position> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      JsonObject p = json.getJsonObject(i);
      BigDecimal qty = required(p, "qty");
      if ("short".equals(p.getString("side")) && qty.signum() > 0) {
        qty = qty.negate();
      }
      out.add(new Venue.Position(text(p, "symbol"), qty, required(p, "avg_entry_price")));
    }
    return out;
  }

  static Venue.OrderState order(JsonObject json) {
    BigDecimal filled = optional(json, "filled_qty");
    filled = filled == null ? BigDecimal.ZERO : filled;
    return new Venue.OrderState(text(json, "client_order_id"), text(json, "id"),
        status(json.getString("status"), filled, optional(json, "qty")), filled, optional(json, "filled_avg_price"));
  }

  /**
   * Alpaca's order status in ours. An order Alpaca still works on (routed, queued while the market
   * is closed, done for the day, being canceled or replaced) is accepted, or partially filled once
   * something filled; a status we do not know is pending, which promises nothing.
   */
  static String status(String alpaca, BigDecimal filledQty, BigDecimal qty) {
    if (alpaca == null) {
      return "pending";
    }
    return switch (alpaca) {
      case "pending_new", "suspended", "held" -> "pending";
      case "new", "accepted", "accepted_for_bidding", "stopped", "pending_cancel", "pending_replace",
          "done_for_day", "calculated" -> byFill(filledQty, qty);
      case "partially_filled" -> "partially_filled";
      case "filled" -> "filled";
      case "canceled", "replaced" -> "canceled";
      case "expired" -> "expired";
      case "rejected" -> "rejected";
      default -> "pending";
    };
  }

  /**
   * The price of each symbol in a {@code /v2/stocks/quotes/latest} answer: the mid of bid and ask,
   * or the one side quoted when the other is zero (as Alpaca reports an empty side), and no entry
   * when neither is.
   */
  static Map<String, BigDecimal> midQuotes(Buffer body) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (p.nextToken() == JsonToken.START_OBJECT && "quotes".equals(field)) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String symbol = p.currentName();
            p.nextToken();
            BigDecimal mid = mid(p);
            if (mid != null) {
              out.put(symbol, mid);
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Alpaca's {@code message} of an error answer, or the start of a body that is not its JSON. */
  static String message(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String text = body.toString();
    try {
      String message = new JsonObject(text).getString("message");
      if (message != null) {
        text = message;
      }
    } catch (RuntimeException notAlpacaJson) {
      // an HTML page from a proxy, say: keep its start
    }
    text = text.replaceAll("\\s+", " ").trim();
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }

  private static BigDecimal mid(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    BigDecimal ask = BigDecimal.ZERO;
    BigDecimal bid = BigDecimal.ZERO;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value.isNumeric() && "ap".equals(field)) {
        ask = p.getDecimalValue();
      } else if (value.isNumeric() && "bp".equals(field)) {
        bid = p.getDecimalValue();
      } else {
        p.skipChildren();
      }
    }
    if (ask.signum() > 0 && bid.signum() > 0) {
      return ask.add(bid).divide(TWO);
    }
    return ask.signum() > 0 ? ask : bid.signum() > 0 ? bid : null;
  }

  private static String byFill(BigDecimal filledQty, BigDecimal qty) {
    if (filledQty.signum() == 0) {
      return "accepted";
    }
    return qty != null && filledQty.compareTo(qty) >= 0 ? "filled" : "partially_filled";
  }

  private static BigDecimal required(JsonObject json, String key) {
    BigDecimal value = optional(json, key);
    expect(value != null);
    return value;
  }

  /** A decimal from a string, or from an integral number; a floating-point number is refused. */
  private static BigDecimal optional(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return new BigDecimal(s);
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    throw new IllegalArgumentException("not an exact decimal: " + key);
  }

  private static String text(JsonObject json, String key) {
    String value = json.getString(key);
    expect(value != null);
    return value;
  }

  private static void expect(boolean condition) {
    if (!condition) {
      throw new IllegalArgumentException("not the JSON Alpaca documents");
    }
  }
}

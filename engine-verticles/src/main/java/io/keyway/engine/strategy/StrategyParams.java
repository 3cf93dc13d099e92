package io.keyway.engine.strategy;

import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Reads a strategy's parameters with the rules the API promises: money and quantities as decimal
 * strings, every mistake a 400 naming the field ({@code strategy.params.<name>}).
 */
public final class StrategyParams {
  private final JsonObject params;

  public StrategyParams(JsonObject params) {
    this.params = params == null ? new JsonObject() : params;
  }

  private static String field(String name) {
    return "strategy.params." + name;
  }

  public String symbol(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof String s) || !s.matches("[A-Z][A-Z0-9./-]{0,19}")) {
      throw KeywayException.badField(field(name), "must be a symbol such as AAPL or BTC/USD");
    }
    return s;
  }

  public BigDecimal positive(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof String s)) {
      throw KeywayException.badField(field(name), "must be a decimal string");
    }
    try {
      BigDecimal d = new BigDecimal(s);
      if (d.signum() > 0 && d.scale() <= 8 && d.precision() - d.scale() <= 15) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw KeywayException.badField(field(name), "must be a positive decimal string");
  }

  public Duration period(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof Number n) || n.longValue() < 1 || n.longValue() > 366L * 24 * 3600 || n.doubleValue() != n.longValue()) {
      throw KeywayException.badField(field(name), "must be a whole number of seconds from 1 to 31,622,400");
    }
    return Duration.ofSeconds(n.longValue());
  }

  public JsonObject object(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof JsonObject o) || o.isEmpty()) {
      throw KeywayException.badField(field(name), "must be a non-empty object");
    }
    return o;
  }

  public JsonArray array(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof JsonArray a) || a.isEmpty()) {
      throw KeywayException.badField(field(name), "must be a non-empty array");
    }
    return a;
  }
}

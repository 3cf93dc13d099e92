package io.keyway.engine.account;

import io.keyway.engine.strategy.Strategies;
import io.keyway.errors.KeywayException;
import io.keyway.ledger.Money;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an admin sends to create or change an account, validated: each mistake is a 400 naming the
 * field. On a change every field is optional, and absent means unchanged; {@code ownerUserId: null}
 * removes the owner (the account then trades nothing).
 */
public record AccountSpec(
    Optional<String> name,
    Optional<String> venue,
    Optional<String> kind,
    Optional<Optional<UUID>> owner,
    Optional<Optional<String>> credentialLabel,
    Optional<String> strategyType,
    Optional<JsonObject> strategyParams,
    Optional<BigDecimal> maxOrderUsd,
    Optional<BigDecimal> dailyCapUsd,
    Optional<Boolean> allowLive,
    Optional<BigDecimal> approvalOverUsd,
    Optional<Boolean> isPublic) {

  public static final List<String> VENUES = List.of("sim", "alpaca");
  public static final List<String> KINDS = List.of("paper", "live");
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9_-]{1,64}$");

  /** Parses a create (every required field present) or a change (all optional). */
  public static AccountSpec parse(JsonObject body, boolean creating) {
    JsonObject strategy = body.containsKey("strategy") ? object(body, "strategy") : null;
    JsonObject risk = body.containsKey("risk") ? object(body, "risk") : null;
    if (creating && strategy == null) {
      throw KeywayException.badField("strategy", "is required");
    }
    if (creating && risk == null) {
      throw KeywayException.badField("risk", "is required");
    }
    AccountSpec spec = new AccountSpec(
        string(body, "name", creating).map(AccountSpec::name),
        string(body, "venue", creating).map(v -> oneOf("venue", v, VENUES)),
        string(body, "kind", creating).map(k -> oneOf("kind", k, KINDS)),
        nullable(body, "ownerUserId").map(o -> o.map(s -> uuid("ownerUserId", s))),
        nullable(body, "credentialLabel").map(o -> o.map(AccountSpec::label)),
        strategy == null ? Optional.empty() : string(strategy, "type", true).map(t -> t),
        strategy == null ? Optional.empty() : Optional.of(strategy.getValue("params") instanceof JsonObject p ? p
            : fail("strategy.params", "must be an object")),
        risk == null ? Optional.empty() : usd(risk, "maxOrderUsd", creating, true),
        risk == null ? Optional.empty() : usd(risk, "dailyCapUsd", creating, true),
        risk == null ? Optional.empty() : bool(risk, "risk.allowLive", "allowLive", creating),
        risk == null ? Optional.empty() : usd(risk, "approvalOverUsd", creating, false),
        bool(body, "isPublic", "isPublic", false));
    if (spec.strategyType().isPresent()) {
      Strategies.create(spec.strategyType().get(), spec.strategyParams().orElse(new JsonObject())); // validates
    }
    return spec;
  }

  private static String name(String raw) {
    String s = raw.strip();
    if (s.isEmpty() || s.length() > 80 || s.chars().anyMatch(Character::isISOControl)) {
      throw KeywayException.badField("name", "must be 1-80 printable characters");
    }
    return s;
  }

  private static String label(String raw) {
    if (!LABEL.matcher(raw).matches()) {
      throw KeywayException.badField("credentialLabel", "must be 1-64 of a-z, 0-9, _ and -");
    }
    return raw;
  }

  private static String oneOf(String field, String v, List<String> allowed) {
    if (!allowed.contains(v)) {
      throw KeywayException.badField(field, "must be one of " + String.join(", ", allowed));
    }
    return v;
  }

  private static UUID uuid(String field, String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw KeywayException.badField(field, "must be an id");
    }
  }

  private static <T> T fail(String field, String why) {
    throw KeywayException.badField(field, why);
  }

  private static JsonObject object(JsonObject body, String field) {
    return body.getValue(field) instanceof JsonObject o ? o : fail(field, "must be an object");
  }

  private static Optional<String> string(JsonObject body, String field, boolean required) {
    Object v = body.getValue(field);
    if (v == null) {
      return required ? fail(field, "is required") : Optional.empty();
    }
    return v instanceof String s ? Optional.of(s) : fail(field, "must be a string");
  }

  /** Present-and-null is "remove", absent is "unchanged". */
  private static Optional<Optional<String>> nullable(JsonObject body, String field) {
    if (!body.containsKey(field)) {
      return Optional.empty();
    }
    Object v = body.getValue(field);
    if (v == null) {
      return Optional.of(Optional.empty());
    }
    return v instanceof String s ? Optional.of(Optional.of(s)) : fail(field, "must be a string or null");
  }

  private static Optional<BigDecimal> usd(JsonObject risk, String field, boolean required, boolean positive) {
    Object v = risk.getValue(field);
    if (v == null) {
      return required ? fail("risk." + field, "is required") : Optional.empty();
    }
    if (!positive && "0".equals(v)) {
      return Optional.of(BigDecimal.ZERO);
    }
    try {
      return Optional.of(Money.positiveAmount("risk." + field, v));
    } catch (KeywayException e) {
      return fail("risk." + field, "must be a " + (positive ? "positive " : "") + "decimal string of USD");
    }
  }

  private static Optional<Boolean> bool(JsonObject body, String path, String field, boolean required) {
    Object v = body.getValue(field);
    if (v == null) {
      return required ? fail(path, "is required") : Optional.empty();
    }
    return v instanceof Boolean b ? Optional.of(b) : fail(path, "must be true or false");
  }
}

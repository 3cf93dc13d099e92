package io.keyway.engine.strategy;

import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The built-in strategies by type; validates parameters when an account is created or changed. */
public final class Strategies {
  /** The types accepted in {@code strategy.type}. */
  public static final List<String> TYPES = List.of(ThresholdLevels.TYPE, PeriodicDca.TYPE, TargetWeights.TYPE);

  private Strategies() {}

  /** A fresh strategy instance, or a 400 naming the field at fault. */
  public static Strategy create(String type, JsonObject params) {
    StrategyParams p = new StrategyParams(params);
    return switch (type == null ? "" : type) {
      case ThresholdLevels.TYPE -> ThresholdLevels.from(p);
      case PeriodicDca.TYPE -> PeriodicDca.from(p);
      case TargetWeights.TYPE -> TargetWeights.from(p);
      default -> throw KeywayException.badField("strategy.type", "must be one of " + String.join(", ", TYPES));
    };
  }
}

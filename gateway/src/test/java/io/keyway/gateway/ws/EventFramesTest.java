package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventFramesTest {
  private final EventFrames frames = new EventFrames();

  /** The shape the engines publish (AccountEngine.publishBalance / the order event), as a consumer receives it. */
  private static JsonObject balance(long seq) {
    JsonObject e = new JsonObject().put("type", "balance").put("accountId", UUID.randomUUID().toString())
        .put("seq", seq).put("cash", "1000.00").put("equity", "-12.5").put("asOf", "2026-11-24T04:10:00.123Z");
    return new JsonObject(Collections.unmodifiableMap(e.getMap()));
  }

  /** The same members, in a JsonObject whose Jackson encoding is refused: what encodes it must write it itself. */
  private static JsonObject withoutJackson(JsonObject e) {
    return new JsonObject(e.getMap()) {
      @Override
      public String encode() {
        throw new AssertionError("a flat event went to Jackson");
      }
    };
  }

  @Test
  @DisplayName("a flat event encodes to exactly Jackson's text, without Jackson, every time with the same builder")
  void flatEventsMatchJackson() {
    for (long seq = 0; seq < 3; seq++) {
      JsonObject e = balance(seq);
      assertThat(frames.encode(withoutJackson(e))).isEqualTo(e.encode());
    }
    JsonObject odd = new JsonObject().put("type", "order").put("n", Integer.MIN_VALUE).put("big", Long.MAX_VALUE)
        .put("flag", true).put("off", false).put("none", (Object) null).put("quote\"key", "a \"b\" \\ c / d")
        .put("unicode", "café ☃ \uD83D\uDE00").put("empty", "");
    assertThat(frames.encode(withoutJackson(odd))).isEqualTo(odd.encode());
    assertThat(frames.encode(withoutJackson(new JsonObject()))).isEqualTo("{}");
  }

  @Test
  @DisplayName("what only Jackson writes (nested values, fractions, control characters) is left to Jackson, whole")
  void othersGoToJackson() {
    List<JsonObject> others = List.of(
        new JsonObject().put("type", "order").put("order", new JsonObject().put("id", "x").put("qty", 2)),
        new JsonObject().put("type", "order").put("fills", new JsonArray().add(1).add("2")),
        new JsonObject().put("type", "balance").put("cash", new BigDecimal("10.50")).put("ratio", 0.1),
        new JsonObject().put("type", "balance").put("note", "line\nbreak\ttab\u0001"),
        new JsonObject().put("ta\tb", "key with a control character"));
    for (JsonObject e : others) {
      assertThat(frames.encode(e)).isEqualTo(e.encode());
    }
    JsonObject after = balance(7);
    assertThat(frames.encode(after)).as("a fallback leaves nothing behind for the next event").isEqualTo(after.encode());
  }
}

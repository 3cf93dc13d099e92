package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  @DisplayName("an entry's canonical text, written field by field, is exactly CanonicalJson of the entry as an object")
  void entryTextIsTheCanonicalObject() {
    java.util.UUID tenant = java.util.UUID.randomUUID();
    java.util.UUID id = java.util.UUID.randomUUID();
    java.util.UUID user = java.util.UUID.randomUUID();
    java.util.UUID account = java.util.UUID.randomUUID();
    java.time.Instant at = java.time.Instant.parse("2026-11-23T23:59:58.123456Z");
    JsonObject payload = new JsonObject().put("note", "q\"b\\\n€").put("amount", new BigDecimal("10.50"))
        .put("nested", new JsonObject().put("b", 1).put("a", new JsonArray().add("x").addNull()));
    for (Object[] f : List.of(new Object[] {user, account, "key-1", "actor \"quoted\"", "subj\tect", payload},
        new Object[] {null, null, null, "a", "s", new JsonObject()})) {
      JsonObject asObject = new JsonObject()
          .put("accountId", f[1] == null ? null : f[1].toString()).put("actor", f[3]).put("createdAt", at.toString())
          .put("id", id.toString()).put("idempotencyKey", f[2]).put("kind", "capital.deposit").put("payload", f[5])
          .put("seq", 42L).put("subject", f[4]).put("tenantId", tenant.toString())
          .put("userId", f[0] == null ? null : f[0].toString());

      String text = StoredEntry.canonical(tenant, 42, id, "capital.deposit", (String) f[3], (String) f[4],
          (java.util.UUID) f[0], (java.util.UUID) f[1], (String) f[2], at, (JsonObject) f[5]);

      assertThat(text).isEqualTo(CanonicalJson.encode(asObject));
      assertThat(StoredEntry.seal(tenant, 42, id, "capital.deposit", (String) f[3], (String) f[4], (java.util.UUID) f[0],
          (java.util.UUID) f[1], (String) f[2], null, at, (JsonObject) f[5], HashChain.GENESIS).canonical())
          .isEqualTo(text);
    }
  }

  @Test
  @DisplayName("object keys come out sorted by UTF-16 code unit, whatever order they were put in")
  void sortsKeys() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", 2);
    m.put("C", 3);
    m.put("é", 4);
    m.put("aa", 5);
    assertThat(CanonicalJson.encode(m)).isEqualTo("{\"C\":3,\"a\":2,\"aa\":5,\"b\":1,\"é\":4}");
    assertThat(CanonicalJson.encode(new JsonObject().put("z", true).put("m", false)))
        .isEqualTo("{\"m\":false,\"z\":true}");
  }

  @Test
  @DisplayName("strings escape only quote, backslash and control characters; everything else is written as is")
  void escapesMinimally() {
    String s = "q\"b\\s/é€\u007f\b\f\n\r\t\u0000\u001f";
    assertThat(CanonicalJson.encode(s))
        .isEqualTo("\"q\\\"b\\\\s/é€\u007f\\b\\f\\n\\r\\t\\u0000\\u001f\"");
    assertThat(CanonicalJson.encode(new JsonObject().put("k\n", "v"))).isEqualTo("{\"k\\n\":\"v\"}");
  }

  @Test
  @DisplayName("a BigDecimal is written as a plain decimal string, never a JSON number or an exponent")
  void decimalsAsStrings() {
    assertThat(CanonicalJson.encode(new BigDecimal("1250.50"))).isEqualTo("\"1250.50\"");
    assertThat(CanonicalJson.encode(new BigDecimal("1E+3"))).isEqualTo("\"1000\"");
    assertThat(CanonicalJson.encode(new BigDecimal("-0.00012"))).isEqualTo("\"-0.00012\"");
    assertThat(CanonicalJson.encode(new JsonObject().put("amount", new BigDecimal("0.1"))))
        .isEqualTo("{\"amount\":\"0.1\"}");
  }

  @Test
  @DisplayName("integers of every width are written as bare digits")
  void integers() {
    assertThat(CanonicalJson.encode(0)).isEqualTo("0");
    assertThat(CanonicalJson.encode(-42)).isEqualTo("-42");
    assertThat(CanonicalJson.encode(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    assertThat(CanonicalJson.encode(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
    assertThat(CanonicalJson.encode((short) 7)).isEqualTo("7");
    assertThat(CanonicalJson.encode((byte) -1)).isEqualTo("-1");
    assertThat(CanonicalJson.encode(new JsonObject().put("int", 5).put("long", 5L)))
        .isEqualTo("{\"int\":5,\"long\":5}");
  }

  @Test
  @DisplayName("null, true and false are literals, and a null member is kept rather than dropped")
  void literals() {
    assertThat(CanonicalJson.encode(null)).isEqualTo("null");
    assertThat(CanonicalJson.encode(true)).isEqualTo("true");
    assertThat(CanonicalJson.encode(false)).isEqualTo("false");
    assertThat(CanonicalJson.encode(new JsonObject().putNull("x").put("a", "b"))).isEqualTo("{\"a\":\"b\",\"x\":null}");
    assertThat(CanonicalJson.encode(Arrays.asList(1, null, "n"))).isEqualTo("[1,null,\"n\"]");
  }

  @Test
  @DisplayName("nested objects are sorted at every depth, arrays keep their order, and nothing adds whitespace")
  void nested() {
    JsonObject v = new JsonObject()
        .put("z", new JsonArray().add(new JsonObject().put("y", 1).put("x", 2)).add(List.of(3, 2, 1)))
        .put("a", new JsonObject().put("d", new JsonObject().put("f", "g").put("e", new JsonArray())).put("c", Map.of()));
    assertThat(CanonicalJson.encode(v))
        .isEqualTo("{\"a\":{\"c\":{},\"d\":{\"e\":[],\"f\":\"g\"}},\"z\":[{\"x\":2,\"y\":1},[3,2,1]]}");
  }

  @Test
  @DisplayName("re-encoding the parsed canonical text gives the same text, which is what verification relies on")
  void stableUnderReparse() {
    JsonObject v = new JsonObject().put("b", "x\ty").put("a", new BigDecimal("10.00")).put("n", 3L)
        .put("o", new JsonObject().put("k", Arrays.asList(true, null)));
    String once = CanonicalJson.encode(v);
    assertThat(CanonicalJson.encode(new JsonObject(once))).isEqualTo(once);
  }

  @Test
  @DisplayName("floating-point numbers are refused, at the top and when nested, since they have no single spelling")
  void refusesFloatingPoint() {
    assertThatThrownBy(() -> CanonicalJson.encode(1.5d)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.encode(1.5f)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.encode(new JsonObject().put("price", 0.1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Double");
    assertThatThrownBy(() -> CanonicalJson.encode(new JsonObject().put("a", new JsonArray().add(2.0f))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Float");
  }
}

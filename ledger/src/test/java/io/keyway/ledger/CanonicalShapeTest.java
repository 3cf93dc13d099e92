package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier's column check without parsing: it must recognise every text the ledger writes
 * (escapes, non-ASCII, NULL columns, any payload) and recognise nothing whose columns disagree.
 */
class CanonicalShapeTest {
  private static final UUID TENANT = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  private static final UUID USER = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
  private static final UUID ACCOUNT = UUID.fromString("abcdef01-2345-6789-abcd-ef0123456789");

  @Test
  @DisplayName("what the ledger seals matches, whatever its strings, NULLs and payload hold")
  void sealedEntriesMatch() {
    JsonObject tricky = new JsonObject().put("q", "a \"quoted\" \\ {brace} [x] }")
        .put("ctl", "tab\tnl\nbell\u0007").put("ü", "日本").put("nested", new JsonObject().put("a", new JsonArray().add(1)));
    assertThat(matches(TENANT, entry("auth.login", "alice", "user:x", USER, null, null, new JsonObject()))).isTrue();
    assertThat(matches(TENANT, entry("capital.deposit", "ädmin \"root\"", "sub\\ject\r", USER, ACCOUNT, "key-\u0001é",
        tricky))).isTrue();
    assertThat(matches(TENANT, entry("k", "a", "s", null, null, null, tricky))).isTrue();
  }

  @Test
  @DisplayName("a column that says something else than the text never matches")
  void disagreeingColumnsDoNot() {
    StoredEntry e = entry("capital.deposit", "admin", "user:x", USER, ACCOUNT, "key-1", new JsonObject().put("n", 1));
    ChainVerifier.RawRow raw = ChainVerifier.RawRow.of(ChainVerifier.Row.of(e));
    assertThat(new CanonicalShape().matches(UUID.randomUUID(), raw)).as("other tenant").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq() + 1, raw.id(), raw.kind(),
        raw.actor(), raw.subject(), raw.userId(), raw.accountId(), raw.idempotencyKey(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other seq").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(), raw.id(), raw.kind(),
        raw.actor(), raw.subject(), UUID.randomUUID(), raw.accountId(), raw.idempotencyKey(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other user").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(), raw.id(), raw.kind(),
        raw.actor(), raw.subject(), raw.userId(), null, raw.idempotencyKey(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("account dropped").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(), raw.id(),
        "capital.withdrawal".getBytes(StandardCharsets.UTF_8), raw.actor(), raw.subject(), raw.userId(),
        raw.accountId(), raw.idempotencyKey(), raw.createdAt(), raw.canonical(), raw.prevHash(), raw.hash())))
        .as("other kind").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(), raw.id(), raw.kind(),
        raw.actor(), raw.subject(), raw.userId(), raw.accountId(), raw.idempotencyKey(), raw.createdAt().plusNanos(1000),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other time").isFalse();
  }

  @Test
  @DisplayName("top-level keys smuggled through the payload are not taken for one object")
  void payloadMustBeOneObject() {
    byte[] t = "{\"a\":1},\"seq\":9,\"x\":{\"b\":\"}\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(t, 0, t.length)).isFalse();
    byte[] ok = "{\"a\":{\"b\":\"}\\\"{\"},\"c\":[1,{}]}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(ok, 0, ok.length)).isTrue();
  }

  private static boolean matches(UUID tenant, StoredEntry e) {
    return new CanonicalShape().matches(tenant, ChainVerifier.RawRow.of(ChainVerifier.Row.of(e)));
  }

  private static StoredEntry entry(String kind, String actor, String subject, UUID user, UUID account, String key,
      JsonObject payload) {
    return StoredEntry.seal(TENANT, 42, UUID.randomUUID(), kind, actor, subject, user, account, key, null,
        Instant.parse("2025-03-01T12:00:00.000001Z"), payload, HashChain.GENESIS);
  }
}

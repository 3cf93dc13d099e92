package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    JsonObject late = new JsonObject().put("long-plain-key-0123456789", "0123456789abcdef\"}{,\"seq\":1")
        .put("k", "0123456789abcdefg\\").put("c", "0123456789abcdefgh\u001f");
    assertThat(matches(TENANT, entry("capital.deposit-0123456789", "actor-0123456789\"", "subject-0123456789\t",
        USER, ACCOUNT, "key-0123456789abcdef\\", late))).as("escapes past the first eight bytes").isTrue();
  }

  @Test
  @DisplayName("a column that says something else than the text never matches")
  void disagreeingColumnsDoNot() {
    StoredEntry e = entry("capital.deposit", "admin", "user:x", USER, ACCOUNT, "key-1", new JsonObject().put("n", 1));
    ChainVerifier.RawRow raw = ChainVerifier.RawRow.of(ChainVerifier.Row.of(e));
    assertThat(new CanonicalShape().matches(UUID.randomUUID(), raw)).as("other tenant").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq() + 1,
        raw.kind(), raw.userId(), raw.accountId(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other seq").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(),
        raw.kind(), UUID.randomUUID(), raw.accountId(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other user").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(),
        raw.kind(), raw.userId(), null, raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("account dropped").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(),
        "capital.withdrawal".getBytes(StandardCharsets.UTF_8), raw.userId(), raw.accountId(), raw.createdAt(),
        raw.canonical(), raw.prevHash(), raw.hash())))
        .as("other kind").isFalse();
    assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(),
        raw.kind(), raw.userId(), raw.accountId(), raw.createdAt().plusNanos(1000),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("other time").isFalse();
  }

  @Test
  @DisplayName("the time is spelled as Instant.toString does, whatever its fraction and year; no other time matches")
  void timesAsInstantSpellsThem() {
    Random random = new Random(7);
    List<Instant> times = new ArrayList<>(List.of(Instant.parse("2025-03-01T12:00:00Z"),
        Instant.parse("2025-03-01T12:00:00.120Z"), Instant.parse("2024-02-29T23:59:59.999999Z"),
        Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
        Instant.parse("0099-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999Z"),
        Instant.parse("+10000-01-01T00:00:00Z")));
    for (int i = 0; i < 2_000; i++) {
      long micros = random.nextLong(253_402_300_800_000_000L);
      times.add(Instant.EPOCH.plus(micros / (i % 3 == 0 ? 1_000 : 1), ChronoUnit.MICROS));
    }
    for (Instant t : times) {
      StoredEntry e = StoredEntry.seal(TENANT, 42, UUID.randomUUID(), "k", "a", "s", USER, null, null, null, t,
          new JsonObject(), HashChain.GENESIS);
      ChainVerifier.RawRow raw = ChainVerifier.RawRow.of(ChainVerifier.Row.of(e));
      assertThat(new CanonicalShape().matches(TENANT, raw)).as(t.toString()).isTrue();
      assertThat(new CanonicalShape().matches(TENANT, new ChainVerifier.RawRow(raw.seq(),
        raw.kind(), raw.userId(), raw.accountId(), t.plusSeconds(1),
        raw.canonical(), raw.prevHash(), raw.hash()))).as("a second later than " + t).isFalse();
    }
  }

  @Test
  @DisplayName("user and account ids are spelled as UUID.toString does; an id one bit off never matches")
  void idsAsUuidSpellsThem() {
    CanonicalShape shape = new CanonicalShape();
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      UUID user = new UUID(random.nextLong(), random.nextLong());
      UUID account = i % 5 == 0 ? new UUID(-1L, 0x0123456789abcdefL) : new UUID(random.nextLong(), random.nextLong());
      StoredEntry e = StoredEntry.seal(TENANT, 42, UUID.randomUUID(), "k", "a", "s", user, account, null, null,
          Instant.parse("2025-03-01T12:00:00Z"), new JsonObject(), HashChain.GENESIS);
      ChainVerifier.RawRow raw = ChainVerifier.RawRow.of(ChainVerifier.Row.of(e));
      assertThat(shape.matches(TENANT, raw)).as(user + " " + account).isTrue();
      int bit = random.nextInt(64);
      long high = user.getMostSignificantBits();
      long low = user.getLeastSignificantBits();
      UUID off = random.nextBoolean() ? new UUID(high ^ (1L << bit), low) : new UUID(high, low ^ (1L << bit));
      assertThat(shape.matches(TENANT, new ChainVerifier.RawRow(raw.seq(), raw.kind(), off, raw.accountId(),
          raw.createdAt(), raw.canonical(), raw.prevHash(), raw.hash()))).as(user + " read as " + off).isFalse();
    }
  }

  @Test
  @DisplayName("one checker spells seqs one after another, across carries and jumps, and no neighbouring seq matches")
  void seqsInAndOutOfOrder() {
    CanonicalShape shape = new CanonicalShape();
    List<Long> seqs = new ArrayList<>();
    for (long s = 1; s <= 1_001; s++) {
      seqs.add(s);
    }
    seqs.addAll(List.of(9_999L, 10_000L, 10_001L, 7L, 99_999_999L, 100_000_000L, 5L, 6L, Long.MAX_VALUE - 1,
        Long.MAX_VALUE, 0L, 1L));
    for (long seq : seqs) {
      StoredEntry e = StoredEntry.seal(TENANT, seq, UUID.randomUUID(), "k", "a", "s", USER, null, null, null,
          Instant.parse("2025-03-01T12:00:00Z"), new JsonObject(), HashChain.GENESIS);
      ChainVerifier.RawRow raw = ChainVerifier.RawRow.of(ChainVerifier.Row.of(e));
      assertThat(shape.matches(TENANT, raw)).as("seq " + seq).isTrue();
      for (long other : new long[] {seq - 1, seq + 1}) {
        assertThat(shape.matches(TENANT, new ChainVerifier.RawRow(other, raw.kind(), raw.userId(), raw.accountId(),
            raw.createdAt(), raw.canonical(), raw.prevHash(), raw.hash()))).as("seq " + seq + " read as " + other)
            .isFalse();
      }
    }
  }

  @Test
  @DisplayName("top-level keys smuggled through the payload are not taken for one object")
  void payloadMustBeOneObject() {
    byte[] t = "{\"a\":1},\"seq\":9,\"x\":{\"b\":\"}\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(t, 0, t.length)).isFalse();
    byte[] ok = "{\"a\":{\"b\":\"}\\\"{\"},\"c\":[1,{}]}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(ok, 0, ok.length)).isTrue();
    byte[] late = "{\"a\":\"0123456789abcdef\\\"}\"},\"seq\":9,\"x\":{\"b\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(late, 0, late.length)).as("a quote escaped past eight bytes").isFalse();
    byte[] lateOk = "{\"a\":\"0123456789abcdef\\\"}\",\"b\":[\"0123456789abcdef]\"]}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(lateOk, 0, lateOk.length)).isTrue();
    byte[] open = "{\"a\":\"0123456789abcdef}".getBytes(StandardCharsets.UTF_8);
    assertThat(CanonicalShape.oneObject(open, 0, open.length)).as("a string that never closes").isFalse();
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

package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.errors.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID USER = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
  private static final UUID ACCOUNT = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00.123456Z");
  private static final String HASH_A = "aa".repeat(32);
  private static final String HASH_B = "bb".repeat(32);

  private final List<UUID> issued = new ArrayList<>();
  private final Supplier<UUID> ids = () -> {
    UUID id = new UUID(0, issued.size() + 1);
    issued.add(id);
    return id;
  };

  @Test
  @DisplayName("accepted entries chain after the locked head, in arrival order, each hashing its own canonical text")
  void chainsAfterTheHead() {
    byte[] head = HexFormat.of().parseHex("11".repeat(32));
    var batch = List.of(audit("first"), audit("second"), audit("third"));

    var plan = BatchPlanner.plan(TENANT, 41, head, Map.of(), Map.of(), batch, NOW, ids);

    assertThat(plan.entries()).extracting(StoredEntry::seq).containsExactly(42L, 43L, 44L);
    assertThat(plan.entries()).extracting(e -> e.payload().getString("note"))
        .containsExactly("first", "second", "third");
    assertThat(plan.entries()).extracting(StoredEntry::id).containsExactlyElementsOf(issued);
    byte[] prev = head;
    for (StoredEntry e : plan.entries()) {
      assertThat(e.prevHash()).isEqualTo(prev);
      assertThat(e.hash()).isEqualTo(HashChain.link(prev, e.canonical()));
      assertThat(new JsonObject(e.canonical()).getLong("seq")).isEqualTo(e.seq());
      prev = e.hash();
    }
    assertThat(plan.headSeq()).isEqualTo(44);
    assertThat(plan.headHash()).isEqualTo(prev);
    assertThat(plan.outcomes()).allMatch(BatchPlanner.Outcome::accepted);
    assertThat(plan.outcomes()).extracting(o -> o.result().seq()).containsExactly(42L, 43L, 44L);
    assertThat(plan.outcomes()).extracting(o -> o.result().hash())
        .containsExactlyElementsOf(plan.entries().stream().map(StoredEntry::hashHex).toList());
    assertThat(plan.outcomes()).noneMatch(o -> o.result().replayed());
  }

  @Test
  @DisplayName("the first entry of a chain follows the genesis hash at seq 1")
  void firstEntryFollowsGenesis() {
    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(), List.of(audit("x")), NOW, ids);
    assertThat(plan.entries().get(0).seq()).isEqualTo(1);
    assertThat(plan.entries().get(0).prevHash()).isEqualTo(new byte[32]);
  }

  @Test
  @DisplayName("a keyed request repeated in the same batch is written once and the repeat is told the original entry")
  void replayWithinBatch() {
    var first = deposit("100.00", "k-1", HASH_A);
    var again = deposit("100.00", "k-1", HASH_A);

    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(), List.of(first, again), NOW, ids);

    assertThat(plan.entries()).hasSize(1);
    assertThat(plan.entries().get(0).payload().getJsonArray("postings")).hasSize(2);
    AppendResult original = plan.outcomes().get(0).result();
    AppendResult replay = plan.outcomes().get(1).result();
    assertThat(original.replayed()).isFalse();
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.entryId()).isEqualTo(original.entryId());
    assertThat(replay.seq()).isEqualTo(original.seq());
    assertThat(replay.hash()).isEqualTo(original.hash());
    assertThat(replay.payload()).isEqualTo(original.payload());
    assertThat(plan.balances()).containsEntry(new Posting.BalanceKey(LedgerAccounts.cash(USER), "USD"),
        new BigDecimal("100.00"));
  }

  @Test
  @DisplayName("a key already recorded before this batch is answered from the recorded entry and writes nothing")
  void replayFromExisting() {
    var recorded = new AppendResult(UUID.randomUUID(), 7, "cd".repeat(32), NOW.toString(), new JsonObject().put("n", 1),
        false);
    var existing = Map.of("k-7", new BatchPlanner.Existing(recorded, HASH_A));

    var plan = BatchPlanner.plan(TENANT, 9, new byte[32], existing, Map.of(),
        List.of(deposit("5.00", "k-7", HASH_A)), NOW, ids);

    assertThat(plan.entries()).isEmpty();
    assertThat(plan.balances()).isEmpty();
    assertThat(plan.headSeq()).isEqualTo(9);
    AppendResult answer = plan.outcomes().get(0).result();
    assertThat(answer.replayed()).isTrue();
    assertThat(answer.entryId()).isEqualTo(recorded.entryId());
    assertThat(answer.seq()).isEqualTo(7);
    assertThat(answer.payload()).isEqualTo(recorded.payload());
  }

  @Test
  @DisplayName("a retry whose request hash differs only in hex letter case is the same request, not a conflict")
  void requestHashCaseInsensitive() {
    var recorded = new AppendResult(UUID.randomUUID(), 7, "cd".repeat(32), NOW.toString(), new JsonObject(), false);
    // the store reads request_hash back from bytea, so it is always lower-case hex
    var existing = Map.of("k-7", new BatchPlanner.Existing(recorded, "ab".repeat(32)));

    var plan = BatchPlanner.plan(TENANT, 7, new byte[32], existing, Map.of(),
        List.of(deposit("5.00", "k-7", "AB".repeat(32))), NOW, ids);

    assertThat(plan.outcomes().get(0).accepted()).isTrue();
    assertThat(plan.outcomes().get(0).result().entryId()).isEqualTo(recorded.entryId());
  }

  @Test
  @DisplayName("the same key with another request hash is an IDEMPOTENCY_CONFLICT, from the batch or from before, and the rest still goes")
  void keyReusedWithAnotherBody() {
    var recorded = new AppendResult(UUID.randomUUID(), 3, "cd".repeat(32), NOW.toString(), new JsonObject(), false);
    var existing = Map.of("old", new BatchPlanner.Existing(recorded, HASH_A));
    var batch = List.of(
        deposit("1.00", "old", HASH_B),
        deposit("2.00", "new", HASH_A),
        deposit("3.00", "new", HASH_B),
        audit("unrelated"));

    var plan = BatchPlanner.plan(TENANT, 3, new byte[32], existing, Map.of(), batch, NOW, ids);

    assertThat(plan.outcomes().get(0).refusal().code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
    assertThat(plan.outcomes().get(1).accepted()).isTrue();
    assertThat(plan.outcomes().get(2).refusal().code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
    assertThat(plan.outcomes().get(3).accepted()).isTrue();
    assertThat(plan.entries()).extracting(StoredEntry::seq).containsExactly(4L, 5L);
    assertThat(plan.entries().get(0).payload().getString("amount")).isEqualTo("2.00");
  }

  @Test
  @DisplayName("an overdraw is refused alone with UNPROCESSABLE; the requests around it are written with no gap in seq")
  void overdrawRefusedAlone() {
    var cash = new Posting.BalanceKey(LedgerAccounts.cash(USER), "USD");
    var external = new Posting.BalanceKey(LedgerAccounts.EXTERNAL, "USD");
    var batch = List.of(
        withdraw("30.00"),   // 100 -> 70
        withdraw("70.01"),   // would be -0.01: refused
        deposit("5.00", null, null), // 70 -> 75
        withdraw("75.00"),   // 75 -> 0
        flow(CapitalFlow.Type.DEALLOCATE, "0.01")); // nothing allocated: refused

    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(cash, new BigDecimal("100.00")), batch,
        NOW, ids);

    assertThat(plan.outcomes()).extracting(BatchPlanner.Outcome::accepted).containsExactly(true, false, true, true, false);
    assertThat(plan.outcomes().get(1).refusal().code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    assertThat(plan.outcomes().get(1).refusal().getMessage()).contains("insufficient funds", "70.00", "70.01");
    assertThat(plan.outcomes().get(4).refusal().code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    assertThat(plan.entries()).extracting(StoredEntry::seq).containsExactly(1L, 2L, 3L);
    assertThat(plan.entries()).extracting(e -> e.payload().getString("amount")).containsExactly("30.00", "5.00", "75.00");
    assertThat(plan.entries()).extracting(e -> e.payload().getJsonArray("postings").size()).containsExactly(2, 2, 2);
    assertThat(plan.balances().get(cash)).isEqualByComparingTo("0");
    assertThat(plan.balances().get(external)).isEqualByComparingTo("100.00");
    assertThat(plan.outcomes().get(3).result().payload().getJsonArray("balancesAfter").getJsonObject(0).getString("amount"))
        .isEqualTo("0.00");
  }

  @Test
  @DisplayName("postings that do not sum to zero in each currency are refused with BAD_REQUEST, and the rest still goes")
  void unbalancedRefused() {
    String cash = LedgerAccounts.cash(USER);
    var oneLeg = new AppendRequest(TENANT, "capital.deposit", "admin", "user:" + USER, USER, null, new JsonObject(),
        List.of(new Posting(cash, "USD", new BigDecimal("10"))), null, null);
    var crossCurrency = new AppendRequest(TENANT, "capital.deposit", "admin", "user:" + USER, USER, null,
        new JsonObject(), List.of(new Posting(LedgerAccounts.EXTERNAL, "USD", new BigDecimal("-10")),
            new Posting(cash, "EUR", new BigDecimal("10"))), null, null);

    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(),
        List.of(oneLeg, crossCurrency, deposit("10.00", null, null)), NOW, ids);

    assertThat(plan.outcomes().get(0).refusal().code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(plan.outcomes().get(1).refusal().code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(plan.outcomes().get(2).accepted()).isTrue();
    assertThat(plan.entries()).hasSize(1);
    assertThat(plan.entries()).flatExtracting(e -> e.payload().getJsonArray("postings").stream()
        .map(p -> ((JsonObject) p).getString("currency")).toList()).containsOnly("USD");
  }

  @Test
  @DisplayName("a payload that has no canonical form is refused alone with BAD_REQUEST instead of failing the batch")
  void uncanonicalPayloadRefusedAlone() {
    var floating = AppendRequest.record(TENANT, "order.placed", "alice", "account:1", USER,
        new JsonObject().put("price", 1.5d));

    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(),
        List.of(audit("before"), floating, audit("after")), NOW, ids);

    assertThat(plan.outcomes().get(1).refusal().code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(plan.entries()).extracting(e -> e.payload().getString("note")).containsExactly("before", "after");
    assertThat(plan.entries()).extracting(StoredEntry::seq).containsExactly(1L, 2L);
  }

  @Test
  @DisplayName("a request the database would refuse for the whole batch is refused alone with BAD_REQUEST")
  void malformedRequestRefusedAlone() {
    var noKind = AppendRequest.record(TENANT, null, "alice", "user:1", USER, new JsonObject());
    var blankActor = AppendRequest.record(TENANT, "auth.login", " ", "user:1", USER, new JsonObject());
    var nulSubject = AppendRequest.record(TENANT, "auth.login", "alice", "user:\u0000", USER, new JsonObject());
    var notHex = deposit("1.00", "k", "not-hex");
    var accountless = new AppendRequest(TENANT, "capital.deposit", "admin", "user:1", USER, null, new JsonObject(),
        List.of(new Posting(null, "USD", BigDecimal.ONE), new Posting(LedgerAccounts.EXTERNAL, "USD", BigDecimal.ONE.negate())),
        null, null);

    var plan = BatchPlanner.plan(TENANT, 0, HashChain.GENESIS, Map.of(), Map.of(),
        List.of(noKind, blankActor, nulSubject, notHex, accountless, audit("fine")), NOW, ids);

    assertThat(plan.outcomes()).extracting(o -> o.accepted() ? null : o.refusal().code())
        .containsExactly(ErrorCode.BAD_REQUEST, ErrorCode.BAD_REQUEST, ErrorCode.BAD_REQUEST, ErrorCode.BAD_REQUEST,
            ErrorCode.BAD_REQUEST, null);
    assertThat(plan.entries()).hasSize(1);
    assertThat(plan.entries().get(0).seq()).isEqualTo(1);
  }

  @Test
  @DisplayName("each entry's text, spelled in parts on the caller's side and put together in the plan, is the documented canonical form of the entry")
  void textIsTheCanonicalForm() {
    // payload members sorting before, between and after the two the ledger adds (balancesAfter, postings)
    JsonObject around = new JsonObject().put("amount", "1.00").put("c", "é\"\n").put("q", 7).put("zz", true)
        .put("nested", new JsonObject().put("b", 1).put("a", new JsonArray().add("x")));
    var withPostings = new AppendRequest(TENANT, "capital.deposit", "admin", "user:" + USER, USER, ACCOUNT, around,
        List.of(new Posting(LedgerAccounts.EXTERNAL, "USD", new BigDecimal("-2.50")),
            new Posting(LedgerAccounts.cash(USER), "USD", new BigDecimal("2.50"))), "key-1", "ab");
    var batch = List.of(audit("plain"), deposit("3.00", null, null), withPostings,
        AppendRequest.record(TENANT, "k\u0001", "a\"b", "s", null, around));

    var plan = BatchPlanner.plan(TENANT, 9_999, HashChain.GENESIS, Map.of(), Map.of(), batch, NOW, ids);

    assertThat(plan.entries()).hasSize(4);
    byte[] prev = HashChain.GENESIS;
    for (StoredEntry e : plan.entries()) {
      JsonObject documented = new JsonObject().put("accountId", e.accountId() == null ? null : e.accountId().toString())
          .put("actor", e.actor()).put("createdAt", NOW.toString()).put("id", e.id().toString())
          .put("idempotencyKey", e.idempotencyKey()).put("kind", e.kind()).put("payload", e.payload())
          .put("seq", e.seq()).put("subject", e.subject()).put("tenantId", TENANT.toString())
          .put("userId", e.userId() == null ? null : e.userId().toString());
      assertThat(e.canonical()).isEqualTo(CanonicalJson.encode(documented));
      assertThat(e.canonicalUtf8()).isEqualTo(CanonicalJson.encode(documented).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(e.hash()).isEqualTo(HashChain.link(prev, CanonicalJson.encode(documented)));
      prev = e.hash();
    }
    JsonObject stored = new JsonObject(plan.entries().get(2).canonical()).getJsonObject("payload");
    assertThat(stored.fieldNames()).containsExactlyInAnyOrder("amount", "balancesAfter", "c", "nested", "postings", "q", "zz");
    assertThat(stored.getJsonArray("balancesAfter").getJsonObject(0).getString("amount")).isEqualTo("5.50"); // 3.00 + 2.50
    assertThat(around.containsKey("postings")).as("the caller's payload is left as it was").isFalse();
  }

  private static AppendRequest audit(String note) {
    return AppendRequest.record(TENANT, "auth.login", "alice", "user:" + USER, USER, new JsonObject().put("note", note));
  }

  private static AppendRequest deposit(String amount, String key, String requestHash) {
    return new CapitalFlow(CapitalFlow.Type.DEPOSIT, USER, null, new BigDecimal(amount), "USD", null)
        .toAppend(TENANT, "admin", key, requestHash);
  }

  private static AppendRequest withdraw(String amount) {
    return flow(CapitalFlow.Type.WITHDRAWAL, amount);
  }

  private static AppendRequest flow(CapitalFlow.Type type, String amount) {
    return new CapitalFlow(type, USER, type.needsAccount() ? ACCOUNT : null, new BigDecimal(amount), "USD", null)
        .toAppend(TENANT, "admin", null, null);
  }
}

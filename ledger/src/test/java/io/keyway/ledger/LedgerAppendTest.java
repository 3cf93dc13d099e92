package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Appending through the real event bus to a real PostgreSQL: racing writers never fork a chain,
 * money is conserved and never overdrawn, idempotency keys hold under concurrency, and one
 * tenant's runtime scope sees nothing of another's.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerAppendTest {
  private static final int PIPELINED_APPENDS = 120;
  private static final int REFUSED_INDEX = 45;
  private static LedgerFixture ledger;

  @BeforeAll
  static void deploy(Vertx vertx) {
    ledger = LedgerFixture.deploy(vertx);
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  @Test
  @DisplayName("8 writers appending 500 entries each to one chain leave seqs exactly 1..4000, no gap, no fork, and it verifies")
  void concurrentWritersOneChain() throws Exception {
    UUID tenant = UUID.randomUUID();
    List<UUID> users = IntStream.range(0, 8).mapToObj(i -> UUID.randomUUID()).toList();
    String moreWriters = ledger.deployWriters(7);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<LedgerFixture.Answer> answers = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<List<LedgerFixture.Answer>>> running = new ArrayList<>();
      for (UUID user : users) {
        running.add(threads.submit(() -> {
          List<LedgerFixture.Answer> mine = new ArrayList<>();
          for (int wave = 0; wave < 5; wave++) {
            int w = wave;
            mine.addAll(ledger.appendAll(IntStream.range(0, 100).mapToObj(i ->
                new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal("1.00"), "USD", "w" + w + "-" + i)
                    .toAppend(tenant, "admin", null, null)).toList()));
          }
          return mine;
        }));
      }
      for (var r : running) {
        answers.addAll(r.get());
      }
    } finally {
      threads.shutdownNow();
      ledger.vertx.undeploy(moreWriters).await();
    }

    assertThat(answers).hasSize(4000).allSatisfy(a -> assertThat(a.failure()).isNull());
    List<Long> expected = LongStream.rangeClosed(1, 4000).boxed().toList();
    assertThat(answers.stream().map(a -> a.result().seq()).sorted().toList()).isEqualTo(expected);
    List<Long> stored = ledger.query("SELECT seq FROM ledger.entries WHERE tenant_id = ? ORDER BY seq", tenant).stream()
        .map(r -> (Long) r[0]).toList();
    assertThat(stored).isEqualTo(expected);
    assertThat(ledger.count("SELECT count(DISTINCT prev_hash) FROM ledger.entries WHERE tenant_id = ?", tenant))
        .as("no two entries follow the same one").isEqualTo(4000);
    LedgerQueries queries = new LedgerQueries(ledger.scope);
    for (UUID user : users) {
      assertThat(queries.userBalance(tenant, user, "USD").await().cash()).isEqualByComparingTo("500.00");
    }

    ledger.signNow(tenant);
    VerifyReport report = ledger.verify(tenant);
    assertThat(report.ok()).as(report.problem()).isTrue();
    assertThat(report.entries()).isEqualTo(4000);
    assertThat(report.headSeq()).isEqualTo(4000);
    assertThat(report.headHash()).isEqualTo(HexFormat.of().formatHex(
        (byte[]) ledger.query("SELECT hash FROM ledger.heads WHERE tenant_id = ?", tenant).get(0)[0]));
  }

  @Test
  @DisplayName("10,000 random concurrent capital flows in 2 currencies: postings sum to 0, balances never negative and equal their postings, overdraws answered 422 and written nowhere, and the chain verifies")
  void randomizedCapitalFlows() throws Exception {
    UUID tenant = UUID.randomUUID();
    Random random = new Random(20250301L);
    List<UUID> users = IntStream.range(0, 6).mapToObj(i -> UUID.randomUUID()).toList();
    Map<UUID, List<UUID>> accounts = new HashMap<>();
    users.forEach(u -> accounts.put(u, List.of(UUID.randomUUID(), UUID.randomUUID())));
    CapitalFlow.Type[] types = CapitalFlow.Type.values();
    List<CapitalFlow> flows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      CapitalFlow.Type type = types[random.nextInt(types.length)];
      UUID user = users.get(random.nextInt(users.size()));
      boolean usd = random.nextBoolean();
      BigDecimal amount = usd ? BigDecimal.valueOf(1 + random.nextInt(50_000), 2)
          : BigDecimal.valueOf(1 + random.nextInt(3_000_000), 4);
      flows.add(new CapitalFlow(type, user, type.needsAccount() ? accounts.get(user).get(random.nextInt(2)) : null,
          amount, usd ? "USD" : "EUR", "flow-" + i));
    }

    List<LedgerFixture.Answer> answers = new ArrayList<>();
    for (int from = 0; from < flows.size(); from += 1000) {
      answers.addAll(ledger.appendAll(flows.subList(from, from + 1000).stream()
          .map(f -> f.toAppend(tenant, "admin", null, null)).toList()));
    }

    List<LedgerFixture.Answer> accepted = answers.stream().filter(a -> a.failure() == null).toList();
    List<LedgerFixture.Answer> refused = answers.stream().filter(a -> a.failure() != null).toList();
    assertThat(refused).as("overdraws happened").hasSizeGreaterThan(100);
    assertThat(accepted).hasSizeGreaterThan(5000);
    assertThat(refused).allSatisfy(a -> {
      assertThat(a.failure()).isInstanceOf(KeywayException.class).hasMessageContaining("insufficient funds");
      assertThat(((KeywayException) a.failure()).code()).isEqualTo(ErrorCode.UNPROCESSABLE);
      assertThat(((KeywayException) a.failure()).code().status()).isEqualTo(422);
      assertThat(a.request().kind()).isNotEqualTo("capital.deposit");
    });

    // refused flows wrote nothing: the recorded entries are exactly the accepted ones
    Set<String> recordedNotes = ledger.query("SELECT (canonical::jsonb)->'payload'->>'note' FROM ledger.entries "
        + "WHERE tenant_id = ?", tenant).stream().map(r -> (String) r[0]).collect(Collectors.toSet());
    assertThat(recordedNotes).hasSize(accepted.size())
        .isEqualTo(accepted.stream().map(a -> a.request().payload().getString("note")).collect(Collectors.toSet()));
    assertThat(ledger.count("SELECT count(*) FROM ledger.postings WHERE tenant_id = ?", tenant))
        .isEqualTo(2L * accepted.size());

    // double entry: every currency sums to exactly zero
    List<Object[]> sums = ledger.query("SELECT currency, sum(amount) FROM ledger.postings WHERE tenant_id = ? "
        + "GROUP BY currency ORDER BY currency", tenant);
    assertThat(sums).extracting(r -> r[0]).containsExactly("EUR", "USD");
    assertThat(sums).allSatisfy(r -> assertThat((BigDecimal) r[1]).isEqualByComparingTo("0"));

    // every balance equals the sum of its postings; only the outside world is below zero
    List<Object[]> balances = ledger.query("SELECT b.account, b.currency, b.amount, (SELECT sum(p.amount) "
        + "FROM ledger.postings p WHERE p.tenant_id = b.tenant_id AND p.account = b.account AND p.currency = b.currency) "
        + "FROM ledger.balances b WHERE b.tenant_id = ?", tenant);
    assertThat(balances).hasSize((int) ledger.count("SELECT count(*) FROM (SELECT DISTINCT account, currency "
        + "FROM ledger.postings WHERE tenant_id = ?) k", tenant));
    Map<Posting.BalanceKey, BigDecimal> stored = new HashMap<>();
    for (Object[] b : balances) {
      String account = (String) b[0];
      BigDecimal amount = (BigDecimal) b[2];
      assertThat(amount).as(account + " equals its postings").isEqualByComparingTo((BigDecimal) b[3]);
      if (!account.equals(LedgerAccounts.EXTERNAL)) {
        assertThat(amount.signum()).as(account + " is not negative").isGreaterThanOrEqualTo(0);
      }
      stored.put(new Posting.BalanceKey(account, (String) b[1]), amount);
    }

    // replaying the accepted flows in seq order never overdraws, reproduces each reply's balancesAfter
    // and ends on the stored balances
    Map<Posting.BalanceKey, BigDecimal> model = new HashMap<>();
    List<LedgerFixture.Answer> inOrder = accepted.stream()
        .sorted(Comparator.comparingLong(a -> a.result().seq())).toList();
    assertThat(inOrder.stream().map(a -> a.result().seq()).toList())
        .isEqualTo(LongStream.rangeClosed(1, accepted.size()).boxed().toList());
    for (LedgerFixture.Answer a : inOrder) {
      for (Posting p : a.request().postings()) {
        BigDecimal next = model.getOrDefault(p.key(), BigDecimal.ZERO).add(p.amount());
        assertThat(next.signum() >= 0 || p.account().equals(LedgerAccounts.EXTERNAL))
            .as("seq %d overdraws %s", a.result().seq(), p.account()).isTrue();
        model.put(p.key(), next);
      }
      JsonArray after = a.result().payload().getJsonArray("balancesAfter");
      for (int i = 0; i < after.size(); i++) {
        JsonObject b = after.getJsonObject(i);
        assertThat(new BigDecimal(b.getString("amount")))
            .isEqualByComparingTo(model.get(new Posting.BalanceKey(b.getString("account"), b.getString("currency"))));
      }
    }
    assertThat(model.keySet()).isEqualTo(stored.keySet());
    model.forEach((k, v) -> assertThat(stored.get(k)).as(k.toString()).isEqualByComparingTo(v));

    ledger.signNow(tenant);
    VerifyReport report = ledger.verify(tenant);
    assertThat(report.ok()).as(report.problem()).isTrue();
    assertThat(report.entries()).isEqualTo(accepted.size());
  }

  @Test
  @DisplayName("an append the database could not store is refused alone with 400; the appends batched with it are written")
  void malformedAppendDoesNotSinkItsBatch() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    List<AppendRequest> requests = List.of(
        deposit(tenant, user, "1.00", null, null),
        deposit(tenant, user, "2.00", null, null),
        AppendRequest.record(tenant, "order.placed", "admin", "account:1", user, new JsonObject().put("price", 1.5d)),
        AppendRequest.record(tenant, null, "admin", "user:" + user, user, null),
        AppendRequest.record(tenant, "auth.login", "admin", "user:\u0000", user, null),
        deposit(tenant, user, "3.00", null, null));

    List<LedgerFixture.Answer> answers = ledger.appendAll(requests);

    assertThat(answers).extracting(a -> a.failure() == null ? null : ((KeywayException) a.failure()).code())
        .containsExactly(null, null, ErrorCode.BAD_REQUEST, ErrorCode.BAD_REQUEST, ErrorCode.BAD_REQUEST, null);
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(3);
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash())
        .isEqualByComparingTo("6.00");
  }

  @Test
  @DisplayName("a keyed retry with the same request hash is answered with the original entry, marked replayed, and moves money once")
  void idempotentRetry() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    String hash = "3f".repeat(32);

    AppendResult first = ledger.client.append(deposit(tenant, user, "100.00", "dep-1", hash)).await();
    AppendResult again = ledger.client.append(deposit(tenant, user, "100.00", "dep-1", hash)).await();
    AppendResult shouted = ledger.client.append(deposit(tenant, user, "100.00", "dep-1", hash.toUpperCase())).await();

    assertThat(first.replayed()).isFalse();
    for (AppendResult replay : List.of(again, shouted)) {
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.entryId()).isEqualTo(first.entryId());
      assertThat(replay.seq()).isEqualTo(first.seq());
      assertThat(replay.hash()).isEqualTo(first.hash());
      assertThat(replay.createdAt()).isEqualTo(first.createdAt());
      assertThat(replay.payload()).isEqualTo(first.payload());
    }
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(1);
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash())
        .isEqualByComparingTo("100.00");
  }

  @Test
  @DisplayName("the same key with another request hash is refused with IDEMPOTENCY_CONFLICT and writes nothing")
  void keyReusedWithAnotherRequest() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    AppendResult first = ledger.client.append(deposit(tenant, user, "100.00", "dep-1", "aa".repeat(32))).await();

    assertThatThrownBy(() -> ledger.client.append(deposit(tenant, user, "250.00", "dep-1", "bb".repeat(32))).await())
        .isInstanceOfSatisfying(KeywayException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT));

    assertThat(ledger.query("SELECT (canonical::jsonb ->> 'id')::uuid FROM ledger.entries WHERE tenant_id = ?", tenant))
        .extracting(r -> r[0]).containsExactly(first.entryId());
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash())
        .isEqualByComparingTo("100.00");
  }

  @Test
  @DisplayName("20 concurrent duplicates of one keyed request, raced across 4 writers, record exactly one entry")
  void concurrentDuplicates() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    // a chain that already exists, so the race is on the key and not on creating the head
    ledger.client.append(AppendRequest.record(tenant, "auth.login", "admin", "user:" + user, user, null)).await();
    String moreWriters = ledger.deployWriters(3);
    List<LedgerFixture.Answer> answers;
    try {
      answers = ledger.appendAll(IntStream.range(0, 20)
          .mapToObj(i -> deposit(tenant, user, "40.00", "dep-race", "c0".repeat(32))).toList());
    } finally {
      ledger.vertx.undeploy(moreWriters).await();
    }

    assertThat(answers).allSatisfy(a -> assertThat(a.failure()).isNull());
    assertThat(answers.stream().map(a -> a.result().entryId()).distinct()).hasSize(1);
    assertThat(answers.stream().filter(a -> !a.result().replayed())).hasSize(1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ? "
        + "AND canonical::jsonb ->> 'idempotencyKey' = ?", tenant, "dep-race")).isEqualTo(1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?",
        tenant, "dep-race")).isEqualTo(1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(2);
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash())
        .isEqualByComparingTo("40.00");
  }

  @Test
  @DisplayName("the runtime role scoped to tenant B sees none of tenant A's entries, postings, balances or checkpoints")
  void tenantIsolation() throws Exception {
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    List<LedgerFixture.Answer> written = ledger.appendAll(List.of(
        deposit(tenantA, alice, "100.00", null, null),
        AppendRequest.record(tenantA, "auth.login", "user:" + alice, "user:" + alice, alice, null),
        deposit(tenantB, bob, "50.00", null, null)));
    assertThat(written).allSatisfy(a -> assertThat(a.failure()).isNull());
    Checkpoint signedA = ledger.signNow(tenantA);
    Checkpoint signedB = ledger.signNow(tenantB);

    for (String table : List.of("entries", "postings", "balances", "checkpoints", "heads")) {
      String sql = "SELECT count(*) FROM ledger." + table + " WHERE tenant_id = $1";
      assertThat(countIn(tenantA, sql, tenantA)).as("A sees its own " + table).isPositive();
      assertThat(countIn(tenantB, sql, tenantB)).as("B sees its own " + table).isPositive();
      assertThat(countIn(tenantB, sql, tenantA)).as("B sees A's " + table).isZero();
      assertThat(countIn(tenantB, "SELECT count(*) FROM ledger." + table + " WHERE tenant_id <> $1", tenantB))
          .as("B sees any other tenant's " + table).isZero();
    }

    LedgerQueries queries = new LedgerQueries(ledger.scope);
    assertThat(queries.entries(tenantB, new EntryFilter(null, alice, null, null, null, null, 100)).await().items())
        .isEmpty();
    assertThat(queries.userBalance(tenantB, alice, "USD").await().cash()).isEqualByComparingTo("0");
    assertThat(queries.userBalance(tenantA, alice, "USD").await().cash()).isEqualByComparingTo("100.00");
    assertThat(ledger.checkpoints.newest(tenantB).await()).get()
        .satisfies(cp -> assertThat(cp.hash()).isEqualTo(signedB.hash()).isNotEqualTo(signedA.hash()));
    assertThat(ledger.verify(tenantB).entries()).isEqualTo(1);

    assertThatThrownBy(() -> ledger.scope.inTenant(tenantB, c -> c.preparedQuery(
            "INSERT INTO ledger.checkpoints (tenant_id, seq, hash, signed_at, key_id, signature) "
                + "VALUES ($1, 99, $2, now(), 'forged', $2)")
        .execute(Tuple.of(tenantA, Buffer.buffer(new byte[32])))).await())
        .hasMessageContaining("row-level security");
    assertThat(ledger.count("SELECT count(*) FROM ledger.checkpoints WHERE tenant_id = ?", tenantA)).isEqualTo(1);
  }

  private static long countIn(UUID scope, String sql, UUID tenant) {
    return ledger.scope.inTenant(scope, c -> c.preparedQuery(sql).execute(Tuple.of(tenant)))
        .map(rows -> rows.iterator().next().getLong(0)).await();
  }

  private static AppendRequest deposit(UUID tenant, UUID user, String amount, String key, String requestHash) {
    return new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal(amount), "USD", null)
        .toAppend(tenant, "admin", key, requestHash);
  }

  @Test
  @DisplayName("the capital allocated to an account is its allocations less its deallocations, read from the entries' postings, per tenant; entries filter by user, account and kind")
  void allocatedCapitalAndFilters() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID carol = UUID.randomUUID();
    UUID account = UUID.randomUUID();
    UUID untouched = UUID.randomUUID();
    ledger.client.append(deposit(other, user, "1000.00", null, null)).await();
    // submitted in one turn: the first goes alone, the rest share a batch, so one block holds both users'
    // entries and only the per-entry filters, not the blocks' GIN arrays, can tell them apart
    List<Future<AppendResult>> answers = submitAll(List.of(
        AppendRequest.record(tenant, "auth.login", "user:" + carol, "user:" + carol, carol, null),           // 1
        deposit(tenant, user, "1000.00", null, null),                                                         // 2
        deposit(tenant, bob, "500.00", null, null),                                                           // 3
        allocation(CapitalFlow.Type.ALLOCATE, tenant, user, account, "300.00"),                               // 4
        allocation(CapitalFlow.Type.ALLOCATE, tenant, bob, account, "50.00"),                                 // 5
        allocation(CapitalFlow.Type.DEALLOCATE, tenant, user, account, "100.00"),                             // 6
        AppendRequest.record(tenant, "auth.login", "user:" + user, "user:" + user, user, null),              // 7
        AppendRequest.record(tenant, "auth.login", "user:" + bob, "user:" + bob, bob, null)));               // 8
    Future.all(answers).await();
    assertThat(ledger.query("SELECT first_seq FROM ledger.blocks WHERE tenant_id = ? AND user_ids @> ARRAY[?, ?]::uuid[]"
        + " AND account_ids @> ARRAY[?]::uuid[]", tenant, user, bob, account))
        .as("a block holds both users' entries and the account's").isNotEmpty();

    LedgerQueries queries = new LedgerQueries(ledger.scope);
    assertThat(queries.allocatedCapital(tenant, user, List.of(account, untouched), "USD").await())
        .containsOnlyKeys(account, untouched)
        .hasEntrySatisfying(account, v -> assertThat(v).as("bob's 50 in the same account not counted").isEqualByComparingTo("200.00"))
        .hasEntrySatisfying(untouched, v -> assertThat(v).isEqualByComparingTo("0"));
    assertThat(queries.allocatedCapital(tenant, bob, List.of(account), "USD").await().get(account))
        .isEqualByComparingTo("50.00");
    assertThat(queries.allocatedCapital(other, user, List.of(account), "USD").await().get(account))
        .as("the other tenant's chain").isEqualByComparingTo("0");

    assertThat(seqs(queries, tenant, new EntryFilter(null, user, null, null, null, null, 100))).containsExactly(7L, 6L, 4L, 2L);
    assertThat(seqs(queries, tenant, new EntryFilter(null, bob, null, null, null, null, 100))).containsExactly(8L, 5L, 3L);
    assertThat(seqs(queries, tenant, new EntryFilter(null, null, account, null, null, null, 100))).containsExactly(6L, 5L, 4L);
    assertThat(seqs(queries, tenant, new EntryFilter("capital.*", null, null, null, null, null, 100)))
        .containsExactly(6L, 5L, 4L, 3L, 2L);
    assertThat(seqs(queries, tenant, new EntryFilter("auth.login", user, null, null, null, null, 100))).containsExactly(7L);
    assertThat(seqs(queries, tenant, new EntryFilter(null, UUID.randomUUID(), null, null, null, null, 100))).isEmpty();
    LedgerQueries.Page page = queries.entries(tenant, new EntryFilter(null, null, null, null, null, 8L, 2)).await();
    assertThat(page.items().stream().map(o -> ((JsonObject) o).getLong("seq")).toList()).containsExactly(7L, 6L);
    assertThat(page.nextBeforeSeq()).isEqualTo(6L);
  }

  private static AppendRequest allocation(CapitalFlow.Type type, UUID tenant, UUID user, UUID account, String amount) {
    return new CapitalFlow(type, user, account, new BigDecimal(amount), "USD", null).toAppend(tenant, "admin", null, null);
  }

  @Test
  @DisplayName("a writer remembers the balances its batches left, and reads them again once another writer has moved the chain: no balance is written from a stale amount")
  void rememberedBalancesFollowTheChain() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    UUID otherTenant = UUID.randomUUID();
    UUID otherUser = UUID.randomUUID();
    Context context = ledger.vertx.getOrCreateContext();
    List<ChainWriters> writers = writersOn(context, 2);
    ChainWriters mine = writers.get(0);
    ChainWriters another = writers.get(1); // as another node's writer would

    deposit(context, mine, tenant, user, "10.00", "a1");
    deposit(context, mine, otherTenant, otherUser, "7.00", "b1");
    deposit(context, mine, tenant, user, "2.00", "a2"); // from what it remembers: 12
    deposit(context, another, tenant, user, "5.00", "a3"); // the chain moves without `mine`: 17
    // `mine` remembers 12 at a head that is no longer the chain's: it must read 17, not write 13 over it. A record
    // with no postings goes first, alone (the chain is idle), and finds the head moved; the deposit is pipelined
    // behind it, so it is planned on what the record's batch left: the stale amounts must be gone by then
    Promise<List<Future<AppendResult>>> sent = Promise.promise();
    context.runOnContext(x -> sent.complete(List.of(
        mine.submit(PreparedAppend.of(AppendRequest.record(tenant, "auth.login", "user:" + user, "user:" + user, user,
            null))),
        mine.submit(PreparedAppend.of(deposit(tenant, user, "1.00", "a4", null))))));
    List<Future<AppendResult>> both = sent.future().await();
    AppendResult after = both.get(1).await();
    assertThat(both.get(0).await().seq()).isEqualTo(4);
    deposit(context, mine, otherTenant, otherUser, "3.00", "b2");

    LedgerQueries queries = new LedgerQueries(ledger.scope);
    assertThat(queries.userBalance(tenant, user, "USD").await().cash()).isEqualByComparingTo("18.00");
    assertThat(queries.userBalance(otherTenant, otherUser, "USD").await().cash()).isEqualByComparingTo("10.00");
    assertThat(after.seq()).isEqualTo(5);
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(5);
    for (UUID t : List.of(tenant, otherTenant)) {
      ledger.signNow(t);
      VerifyReport report = ledger.verify(t);
      assertThat(report.ok()).as(report.problem()).isTrue();
    }
  }

  @Test
  @DisplayName("tampered key rows refuse only the appends that carry them, at once: one before any entry and one past them; their batch-mates are written, and the chain goes on")
  void tamperedKeyRowsRefuseOnlyTheirAppends() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    UUID otherTenant = UUID.randomUUID();
    ledger.tamper(c -> {
      LedgerFixture.execute(c, "INSERT INTO ledger.idempotency_keys (tenant_id, idempotency_key, seq, request_hash) "
          + "VALUES (?, 'orphan', 0, NULL)", tenant);
      LedgerFixture.execute(c, "INSERT INTO ledger.idempotency_keys (tenant_id, idempotency_key, seq, request_hash) "
          + "VALUES (?, 'unreadable', 999, NULL)", tenant);
    });
    Context context = ledger.vertx.getOrCreateContext();
    ChainWriters writer = writersOn(context, 1).get(0);

    // the first append is written alone (the chain is idle); the other four go together, both tampered keys among them
    List<String> keys = List.of("before", "orphan", "mate-1", "unreadable", "mate-2");
    Promise<List<Future<AppendResult>>> sent = Promise.promise();
    context.runOnContext(x -> sent.complete(keys.stream()
        .map(k -> writer.submit(PreparedAppend.of(deposit(tenant, user, "5.00", k, null)))).toList()));
    List<Future<AppendResult>> answers = sent.future().await();
    Future.join(answers).otherwiseEmpty().await();

    for (int refused : List.of(1, 3)) {
      assertThat(answers.get(refused).failed()).as("append %d, whose key row is not the ledger's", refused).isTrue();
      assertThat(answers.get(refused).cause()).isInstanceOf(KeywayException.class)
          .hasMessageContaining("cannot be read back");
    }
    assertThat(answers.stream().filter(Future::succeeded).map(a -> a.result().seq()).toList())
        .as("their batch-mates are written").containsExactly(1L, 2L, 3L);

    // the chain is not stuck, and another tenant's chain never noticed
    assertThat(deposit(context, writer, tenant, user, "5.00", "fresh").seq()).isEqualTo(4);
    assertThat(deposit(context, writer, otherTenant, user, "1.00", "orphan").seq()).isEqualTo(1);
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash())
        .isEqualByComparingTo("20.00");
  }

  @Test
  @DisplayName("a batch that is never written (a trigger failing every head move as a race) is not retried forever: its appends are refused after the backstop, and the chain works again once the fault is gone")
  void retriesHaveABackstop() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    Context context = ledger.vertx.getOrCreateContext();
    ChainWriters writer = writersOn(context, 1).get(0);
    try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION ledger.test_race() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION 'a race for the test' USING ERRCODE = 'serialization_failure'; END $$");
      s.execute("CREATE TRIGGER test_race BEFORE UPDATE ON ledger.heads FOR EACH ROW "
          + "WHEN (NEW.tenant_id = '" + tenant + "') EXECUTE FUNCTION ledger.test_race()");
    }
    try {
      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
          () -> deposit(context, writer, tenant, user, "1.00", "k1"));
      assertThat(refused).isNotNull().hasMessageContaining("a race for the test");
      assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isZero();
    } finally {
      try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER test_race ON ledger.heads");
        s.execute("DROP FUNCTION ledger.test_race()");
      }
    }
    assertThat(deposit(context, writer, tenant, user, "1.00", "k2").seq()).isEqualTo(1);
  }

  @Test
  @DisplayName("a withdrawal that emptied the account, sent again with its key (through another writer too), gets its original answer, not 'insufficient funds', and takes nothing more")
  void repeatedWithdrawalGetsItsOriginalAnswer() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    Context context = ledger.vertx.getOrCreateContext();
    List<ChainWriters> writers = writersOn(context, 2);
    deposit(context, writers.get(0), tenant, user, "100.00", "d1");
    AppendRequest withdrawal = new CapitalFlow(CapitalFlow.Type.WITHDRAWAL, user, null, new BigDecimal("100.00"), "USD",
        null).toAppend(tenant, "admin", "w1", "ab".repeat(32));

    List<AppendResult> answers = new ArrayList<>();
    for (ChainWriters writer : List.of(writers.get(0), writers.get(0), writers.get(1))) {
      Promise<AppendResult> answered = Promise.promise();
      context.runOnContext(x -> writer.submit(PreparedAppend.of(withdrawal)).onComplete(answered));
      answers.add(answered.future().await());
    }

    assertThat(answers).extracting(AppendResult::seq).containsOnly(2L);
    assertThat(answers.get(0).replayed()).isFalse();
    assertThat(answers.subList(1, 3)).allSatisfy(a -> assertThat(a.replayed()).isTrue());
    assertThat(new LedgerQueries(ledger.scope).userBalance(tenant, user, "USD").await().cash()).isZero();
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(2);
  }

  @Test
  @DisplayName("a writer forgets the chains that wrote nothing since its last look, and a forgotten chain writes on from its stored head and balances")
  void idleChainsAreForgotten() throws Exception {
    UUID tenantA = UUID.randomUUID();
    UUID tenantB = UUID.randomUUID();
    UUID userA = UUID.randomUUID();
    UUID userB = UUID.randomUUID();
    Context context = ledger.vertx.getOrCreateContext();
    ChainWriters writer = writersOn(context, 1).get(0);
    deposit(context, writer, tenantA, userA, "10.00", "a1");
    deposit(context, writer, tenantB, userB, "10.00", "b1");
    assertThat(forgetIdle(context, writer)).as("both chains wrote since the writer began").isZero();
    deposit(context, writer, tenantA, userA, "5.00", "a2");
    assertThat(forgetIdle(context, writer)).as("B wrote nothing since the last look").isEqualTo(1);
    assertThat(forgetIdle(context, writer)).as("now A too").isEqualTo(1);
    assertThat(forgetIdle(context, writer)).isZero();

    // B starts over from the database: the next seq, and the balance it stored (all of it, and not a cent more)
    AppendRequest all = new CapitalFlow(CapitalFlow.Type.WITHDRAWAL, userB, null, new BigDecimal("10.00"), "USD", null)
        .toAppend(tenantB, "admin", "b2", "ab".repeat(32));
    AppendRequest more = new CapitalFlow(CapitalFlow.Type.WITHDRAWAL, userB, null, new BigDecimal("0.01"), "USD", null)
        .toAppend(tenantB, "admin", "b3", "cd".repeat(32));
    Promise<List<Future<AppendResult>>> sent = Promise.promise();
    context.runOnContext(x -> sent.complete(List.of(writer.submit(PreparedAppend.of(all)),
        writer.submit(PreparedAppend.of(more)))));
    List<Future<AppendResult>> answers = sent.future().await();
    Future.join(answers).otherwiseEmpty().await();
    assertThat(answers.get(0).result().seq()).isEqualTo(2);
    assertThat(answers.get(1).cause()).isInstanceOf(KeywayException.class)
        .satisfies(e -> assertThat(((KeywayException) e).code()).isEqualTo(ErrorCode.UNPROCESSABLE));
    assertThat(deposit(context, writer, tenantA, userA, "1.00", "a3").seq()).isEqualTo(3);
    LedgerQueries queries = new LedgerQueries(ledger.scope);
    assertThat(queries.userBalance(tenantA, userA, "USD").await().cash()).isEqualByComparingTo("16.00");
    assertThat(queries.userBalance(tenantB, userB, "USD").await().cash()).isEqualByComparingTo("0.00");
  }

  private static int forgetIdle(Context context, ChainWriters writer) {
    Promise<Integer> forgotten = Promise.promise();
    context.runOnContext(x -> forgotten.complete(writer.forgetIdle()));
    return forgotten.future().await();
  }

  /** {@code n} writers of their own (as on n nodes), made on {@code context}, where they must be used. */
  private static List<ChainWriters> writersOn(Context context, int n) {
    Promise<List<ChainWriters>> made = Promise.promise();
    context.runOnContext(x -> made.complete(IntStream.range(0, n)
        .mapToObj(i -> new ChainWriters(new LedgerStore(ledger.scope), 10, 2, plan -> {})).toList()));
    return made.future().await();
  }

  private static AppendResult deposit(Context context, ChainWriters writer, UUID tenant, UUID user, String amount,
      String key) {
    Promise<AppendResult> answered = Promise.promise();
    context.runOnContext(x -> writer.submit(PreparedAppend.of(deposit(tenant, user, amount, key, null)))
        .onComplete(answered));
    return answered.future().await();
  }

  private static List<Long> seqs(LedgerQueries queries, UUID tenant, EntryFilter f) {
    return queries.entries(tenant, f).await().items().stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
  }

  @Test
  @DisplayName("a batch the database refuses fails only its own appends; the batches pipelined behind it are written again, in order, and the chain verifies")
  void failedBatchInThePipeline() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION ledger.test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$");
      s.execute("CREATE TRIGGER test_refuse BEFORE INSERT ON ledger.blocks FOR EACH ROW "
          + "WHEN ('test.refused' = ANY(NEW.kinds)) EXECUTE FUNCTION ledger.test_refuse()");
    }
    try {
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 0; i < PIPELINED_APPENDS; i++) {
        requests.add(AppendRequest.record(tenant, i == REFUSED_INDEX ? "test.refused" : "auth.login", "user:" + user,
            "user:" + user, user, new JsonObject().put("i", i)));
      }
      // the warnings the server sends the writer's connections, which the client logs: a ROLLBACK sent after the
      // COMMIT that had ended the transaction already is one (25P01, "there is no transaction in progress")
      ListAppender<ILoggingEvent> notices = new ListAppender<>();
      Logger clientLog = (Logger) LoggerFactory.getLogger("io.vertx.sqlclient.impl.SocketConnectionBase");
      notices.start();
      clientLog.addAppender(notices);
      List<Future<AppendResult>> answers;
      try {
        answers = submitAll(requests);
        Future.join(answers).otherwiseEmpty().await();
        // the control: a ROLLBACK outside a transaction, on a connection taken as the writer takes its own
        SqlConnection control = ledger.pool.getConnection().await();
        try {
          control.query("ROLLBACK").execute().await();
        } finally {
          control.close().await();
        }
        io.keyway.config.Eventually.holds(10_000, "the control's warning was logged", () -> noTransaction(notices) > 0);
      } finally {
        clientLog.detachAppender(notices);
      }
      assertThat(noTransaction(notices)).as("a failed batch ends its transaction once: only the control's warning")
          .isEqualTo(1);

      assertThat(answers.get(REFUSED_INDEX).failed()).as("the refused append").isTrue();
      List<Integer> failed = new ArrayList<>();
      long lastSeq = 0;
      for (int i = 0; i < PIPELINED_APPENDS; i++) {
        if (answers.get(i).failed()) {
          failed.add(i);
          continue;
        }
        long seq = answers.get(i).result().seq();
        assertThat(seq).as("seq of append %d, answered in submission order", i).isEqualTo(lastSeq + 1);
        lastSeq = seq;
      }
      // batches hold at most 10: only the refused append's own batch failed, every other was written
      assertThat(failed).hasSizeLessThanOrEqualTo(10).contains(REFUSED_INDEX);
      assertThat(failed.get(failed.size() - 1) - failed.get(0)).isEqualTo(failed.size() - 1);
      assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant))
          .isEqualTo(PIPELINED_APPENDS - failed.size());
      ledger.signNow(tenant);
      VerifyReport report = ledger.verify(tenant);
      assertThat(report.ok()).isTrue();
      assertThat(report.headSeq()).isEqualTo(PIPELINED_APPENDS - failed.size());
    } finally {
      try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER test_refuse ON ledger.blocks");
        s.execute("DROP FUNCTION ledger.test_refuse()");
      }
    }
  }

  @Test
  @DisplayName("a writer that fails on a batch's plan once the batch's COMMIT is sent does not fail the batch: it is answered as committed, is stored, and the fault is logged")
  void writerFaultAfterTheCommitWasSent() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    List<PreparedAppend> batch = List.of(PreparedAppend.of(AppendRequest.record(tenant, "auth.login", "user:" + user,
        "user:" + user, user, new JsonObject().put("i", 1))));
    ListAppender<ILoggingEvent> errors = new ListAppender<>();
    Logger storeLog = (Logger) LoggerFactory.getLogger(LedgerStore.class);
    errors.start();
    storeLog.addAppender(errors);
    BatchPlanner.Plan plan;
    try {
      Context context = ledger.vertx.getOrCreateContext();
      Promise<BatchPlanner.Plan> done = Promise.promise();
      context.runOnContext(x -> new LedgerStore(ledger.scope).appendBatch(tenant, batch, null, new KnownBalances(),
          p -> {
            throw new IllegalStateException("the writer's own fault, for the test");
          }).onComplete(done));
      plan = done.future().await();
    } finally {
      storeLog.detachAppender(errors);
    }
    assertThat(plan.headSeq()).isEqualTo(1);
    assertThat(plan.outcomes()).singleElement().satisfies(o -> assertThat(o.accepted()).isTrue());
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(1);
    assertThat(errors.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
      assertThat(e.getThrowableProxy().getMessage()).isEqualTo("the writer's own fault, for the test");
    });
    ledger.signNow(tenant);
    assertThat(ledger.verify(tenant).ok()).isTrue();
  }

  @Test
  @DisplayName("a batch that cannot start, behind one in flight, fails alone: the batch ahead commits and is answered, the chain writes on after it, and verifies")
  void aBatchThatCannotStartFailsAlone() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    String fault = "no connection for the second batch, for the test";
    // the runtime pool, except that the second connection asked for throws: the second batch fails as it starts,
    // from the first batch's plan, while the first is still in flight
    io.vertx.sqlclient.Pool pool = poolFailing(n -> n == 2, fault);
    List<Future<AppendResult>> answers = submitAll(logins(tenant, user, 30),
        new io.keyway.config.db.TenantScope(pool), 10);
    Future.join(answers).otherwiseEmpty().await(30, TimeUnit.SECONDS);

    assertThat(answers.get(0).succeeded()).as("the batch ahead, in flight when the next one failed").isTrue();
    assertThat(answers.get(0).result().seq()).isEqualTo(1);
    List<Integer> failed = IntStream.range(0, answers.size()).filter(i -> answers.get(i).failed()).boxed().toList();
    assertThat(failed).as("one batch failed, and only it").isNotEmpty().hasSizeLessThanOrEqualTo(10);
    assertThat(failed.get(failed.size() - 1) - failed.get(0)).isEqualTo(failed.size() - 1);
    failed.forEach(i -> assertThat(answers.get(i).cause()).isInstanceOf(IllegalStateException.class).hasMessage(fault));
    assertThat(failed.get(failed.size() - 1)).as("appends after the failed batch were written").isLessThan(29);
    long lastSeq = 0;
    for (Future<AppendResult> a : answers) {
      if (a.succeeded()) {
        assertThat(a.result().seq()).as("answered in order, no gap").isEqualTo(++lastSeq);
      }
    }
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant))
        .isEqualTo(30 - failed.size());
    ledger.signNow(tenant);
    assertThat(ledger.verify(tenant).ok()).isTrue();
  }

  @Test
  @DisplayName("a fault on every batch start after the first answers every append queued behind it, however many batches it takes")
  void aRepeatingStartFaultAnswersALongQueue() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    int appends = 100_000;
    String fault = "no connection after the first, for the test";
    // the first batch gets a connection and is in flight while the rest queue; every batch after it throws as it
    // starts, one append a batch, so the queue is refused batch after batch
    io.vertx.sqlclient.Pool pool = poolFailing(n -> n > 1, fault);
    List<Future<AppendResult>> answers = submitAll(logins(tenant, user, appends),
        new io.keyway.config.db.TenantScope(pool), 1);
    Future.join(answers).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    assertThat(answers.get(0).succeeded()).as("the first batch").isTrue();
    assertThat(answers.subList(1, appends)).allSatisfy(a -> assertThat(a.cause()).hasMessage(fault));
  }

  @Test
  @DisplayName("a batch whose write fails in this client, before it is sent, stores nothing: its writes are one "
      + "statement, so only the COMMIT reaches the server; the append is told 'not written' with this client's own "
      + "error, and written again it is stored whole, with balances that match their postings")
  void aWriteFailingInTheClientStoresNothingOfItsBatch() throws Exception {
    String what = "the batch's write";
    UUID tenant = UUID.randomUUID();
    UUID known = UUID.randomUUID();
    UUID account = UUID.randomUUID();
    assertThat(ledger.appendAll(List.of(new CapitalFlow(CapitalFlow.Type.DEPOSIT, known, null, new BigDecimal("5.00"),
        "USD", null).toAppend(tenant, "admin", "first", "aa".repeat(32)))).get(0).failure()).as(what).isNull();
    // one append, and so one batch, with every write a batch has: the block, its idempotency key, a balance
    // updated (known's cash) and one made (the allocation to the account)
    List<AppendRequest> batch = List.of(new CapitalFlow(CapitalFlow.Type.ALLOCATE, known, account,
        new BigDecimal("2.00"), "USD", null).toAppend(tenant, "admin", "second", "bb".repeat(32)));
    Set<String> toFail = java.util.concurrent.ConcurrentHashMap.newKeySet();
    toFail.add(LedgerSql.WRITE_BATCH);
    io.keyway.config.db.TenantScope scope = new io.keyway.config.db.TenantScope(poolFailingOnce(toFail));

    List<Future<AppendResult>> refused = submitAll(batch, scope, 10);
    Future.join(refused).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    assertThat(toFail).as(what + ": every write to fail failed in the client").isEmpty();
    assertThat(refused).as(what).allSatisfy(a -> {
      assertThat(a.failed()).isTrue();
      assertThat(LedgerStore.outcomeUnknown(a.cause())).as(a.cause().toString()).isFalse();
      assertThat(a.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("for the test");
    });
    assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).as(what).isEqualTo(1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.blocks WHERE tenant_id = ?", tenant)).as(what).isEqualTo(1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.idempotency_keys WHERE tenant_id = ?", tenant)).as(what)
        .isEqualTo(1);
    assertThat(ledger.query("SELECT account, currency, amount FROM ledger.balances WHERE tenant_id = ? "
        + "ORDER BY account, currency", tenant)).as(what).extracting(r -> r[0] + " " + r[1] + " " + r[2])
        .containsExactlyInAnyOrder(LedgerAccounts.cash(known) + " USD 5.00", LedgerAccounts.EXTERNAL + " USD -5.00");

    // the same append again, nothing failing: stored whole, after the first entry
    List<Future<AppendResult>> stored = submitAll(batch, scope, 10);
    Future.join(stored).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    assertThat(stored).as(what).allSatisfy(a -> assertThat(a.succeeded()).as(String.valueOf(a.cause())).isTrue());
    assertThat(stored.get(0).result().seq()).as(what).isEqualTo(2);
    assertThat(ledger.query("SELECT b.account, b.currency, b.amount, (SELECT sum(p.amount) FROM ledger.postings p "
        + "WHERE p.tenant_id = b.tenant_id AND p.account = b.account AND p.currency = b.currency) "
        + "FROM ledger.balances b WHERE b.tenant_id = ?", tenant)).as(what).hasSize(3)
        .allSatisfy(r -> assertThat((BigDecimal) r[2]).as(r[0] + " " + r[1]).isEqualByComparingTo((BigDecimal) r[3]));
    ledger.signNow(tenant);
    assertThat(ledger.verify(tenant).ok()).as(what).isTrue();
  }

  @Test
  @DisplayName("a batch of a replay alone, whose head's write fails in this client, is told 'not written' (nothing "
      + "else of it could commit), and the replay is answered once written again")
  void aReplayBatchWhoseHeadFailsInTheClient() throws Exception {
    UUID tenant = UUID.randomUUID();
    AppendRequest deposit = new CapitalFlow(CapitalFlow.Type.DEPOSIT, UUID.randomUUID(), null, new BigDecimal("5.00"),
        "USD", null).toAppend(tenant, "admin", "once", "aa".repeat(32));
    assertThat(ledger.appendAll(List.of(deposit)).get(0).failure()).isNull();
    Set<String> toFail = java.util.concurrent.ConcurrentHashMap.newKeySet();
    toFail.add(LedgerSql.WRITE_BATCH);
    io.keyway.config.db.TenantScope scope = new io.keyway.config.db.TenantScope(poolFailingOnce(toFail));

    Future<AppendResult> refused = submitAll(List.of(deposit), scope, 10).get(0);
    refused.otherwiseEmpty().await(30, TimeUnit.SECONDS);
    assertThat(toFail).isEmpty();
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).as("this client's own error: the server was sent nothing to refuse")
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("for the test");
    assertThat(LedgerStore.outcomeUnknown(refused.cause())).isFalse();
    assertThat(LedgerStore.broken(refused.cause())).isFalse();

    Future<AppendResult> replayed = submitAll(List.of(deposit), scope, 10).get(0);
    assertThat(replayed.await(30, TimeUnit.SECONDS).replayed()).isTrue();
    assertThat(replayed.result().seq()).isEqualTo(1);
    assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).isEqualTo(1);
  }

  @Test
  @DisplayName("advance_head behind a predecessor that has moved the head but not committed waits for its commit and goes through; behind one that rolls back it fails with 40001")
  void advanceHeadWaitsForThePredecessor() throws Exception {
    UUID tenant = UUID.randomUUID();
    onTwoConnections((ahead, behind) -> {
      makeHead(ahead, tenant);

      // the predecessor moves the head 0 -> 1 and holds its transaction open
      begin(ahead, tenant);
      advance(ahead, tenant, 0, GENESIS, 1, H1).await();
      begin(behind, tenant);
      int behindPid = behind.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
      Future<Long> next = advance(behind, tenant, 1, H1, 2, H2);
      awaitWaitingOrDone(behindPid, next);
      assertThat(next.isComplete()).as("planned on the uncommitted head, it waits instead of failing").isFalse();
      ahead.query("COMMIT").execute().await();
      assertThat(next.await()).isEqualTo(2L);
      behind.query("COMMIT").execute().await();

      // a predecessor that rolls back: the batch planned behind it fails, and the head stays where it was
      begin(ahead, tenant);
      advance(ahead, tenant, 2, H2, 3, H1).await();
      begin(behind, tenant);
      Future<Long> orphan = advance(behind, tenant, 3, H1, 4, H2);
      awaitWaitingOrDone(behindPid, orphan);
      assertThat(orphan.isComplete()).as("it waits for the predecessor's outcome, not only for a commit").isFalse();
      ahead.query("ROLLBACK").execute().await();
      assertThatThrownBy(orphan::await).satisfies(e -> assertThat(LedgerStore.headMoved(e)).isTrue());
      behind.query("ROLLBACK").execute().await();
      assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).isEqualTo(2);

      // a fork: the predecessor commits seq 3 with one hash, the batch behind was planned on seq 3 with another
      Buffer h3 = fakeHash(3);
      begin(ahead, tenant);
      advance(ahead, tenant, 2, H2, 3, H1).await();
      begin(behind, tenant);
      Future<Long> fork = advance(behind, tenant, 3, h3, 4, H2);
      awaitWaitingOrDone(behindPid, fork);
      ahead.query("COMMIT").execute().await();
      assertThatThrownBy(fork::await).as("same seq, another hash").satisfies(e -> assertThat(LedgerStore.headMoved(e)).isTrue());
      behind.query("ROLLBACK").execute().await();
      assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).isEqualTo(3);
    });
  }

  @Test
  @DisplayName("advance_head behind a predecessor that has planned but not yet reached the head waits for it instead of failing, and goes through once it moves the head and commits; behind one that ends without moving the head it fails with 40001")
  void advanceHeadWaitsForAPredecessorNotYetAtTheHead() throws Exception {
    UUID tenant = UUID.randomUUID();
    onTwoConnections((ahead, behind) -> {
      makeHead(ahead, tenant);

      // the predecessor has read and planned (it holds its start, seq 0); its advance_head has not run: in the
      // writer, it is waiting for a core, or still on the wire
      begin(ahead, tenant);
      ahead.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(tenant, 0L)).await();
      begin(behind, tenant);
      behind.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(tenant, 1L)).await();
      int behindPid = behind.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
      Future<Long> next = advance(behind, tenant, 1, H1, 2, H2);
      awaitWaitingOrDone(behindPid, next);
      assertThat(next.isComplete()).as("planned on a head the batch ahead has not reached yet, it waits").isFalse();
      // the predecessor arrives behind the waiting batch and is not held up by it
      assertThat(advance(ahead, tenant, 0, GENESIS, 1, H1).await()).isEqualTo(1L);
      assertThat(next.isComplete()).as("still waiting while the predecessor has not committed").isFalse();
      ahead.query("COMMIT").execute().await();
      assertThat(next.await()).isEqualTo(2L);
      behind.query("COMMIT").execute().await();

      // a predecessor that ends without moving the head (refused, cut): the batch planned behind it fails
      begin(ahead, tenant);
      ahead.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(tenant, 2L)).await();
      begin(behind, tenant);
      behind.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(tenant, 3L)).await();
      Future<Long> orphan = advance(behind, tenant, 3, H1, 4, H2);
      awaitWaitingOrDone(behindPid, orphan);
      assertThat(orphan.isComplete()).as("it waits for the predecessor's outcome").isFalse();
      ahead.query("ROLLBACK").execute().await();
      assertThatThrownBy(orphan::await).satisfies(e -> assertThat(LedgerStore.headMoved(e)).isTrue());
      behind.query("ROLLBACK").execute().await();
      assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).isEqualTo(2);

      // nobody ahead holds the start: the head is behind for good, and the batch fails at once
      begin(behind, tenant);
      assertThatThrownBy(() -> advance(behind, tenant, 5, H1, 6, H2).await())
          .satisfies(e -> assertThat(LedgerStore.headMoved(e)).isTrue());
      behind.query("ROLLBACK").execute().await();

      // a new chain: its first batch makes the head row, which the batch behind cannot see until it commits
      UUID fresh = UUID.randomUUID();
      begin(ahead, fresh);
      ahead.preparedQuery(LedgerSql.HEAD_ENSURE).execute(Tuple.of(fresh, GENESIS)).await();
      ahead.preparedQuery(LedgerSql.HEAD_FOR_BATCH).execute(Tuple.of(fresh)).await();
      assertThat(ahead.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(fresh, (Long) null)).await().iterator().next()
          .getLong(0)).as("a batch with nothing ahead holds the head it has locked").isEqualTo(0L);
      begin(behind, fresh);
      behind.preparedQuery(LedgerSql.HOLD_START).execute(Tuple.of(fresh, 4L)).await();
      Future<Long> second = advance(behind, fresh, 4, H1, 5, H2);
      awaitWaitingOrDone(behindPid, second);
      assertThat(second.isComplete()).as("behind a new chain's first batch, it waits").isFalse();
      assertThat(advance(ahead, fresh, 0, GENESIS, 4, H1).await()).isEqualTo(4L);
      ahead.query("COMMIT").execute().await();
      assertThat(second.await()).isEqualTo(5L);
      behind.query("COMMIT").execute().await();
    });
  }

  @Test
  @DisplayName("a balance the writer believes stored but that is not, or that holds another amount than planned, fails "
      + "the batch's one write statement with XX001 (reported, not retried), and the COMMIT behind it stores nothing of "
      + "the batch: not the head, the block or the key that came with it")
  void balanceUpdateMissingARow() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    assertThat(ledger.appendAll(List.of(new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal("5.00"),
        "USD", null).toAppend(tenant, "admin", null, null))).get(0).failure()).isNull();
    SqlConnection c = ledger.pool.getConnection().await();
    try {
      // the head moved to seq 2 with a block and a key, and one balance of two not found: refused as a whole
      begin(c, tenant);
      Future<?> update = writeBalances(c, tenant, true,
          new String[] {LedgerAccounts.cash(user), LedgerAccounts.cash(UUID.randomUUID())}, new BigDecimal[] {
              new BigDecimal(7), new BigDecimal(7)}, new BigDecimal[] {new BigDecimal("5.00"), BigDecimal.ZERO});
      assertThatThrownBy(update::await).satisfies(e -> {
        assertThat(LedgerStore.balancesDiffered(e)).isTrue();
        assertThat(LedgerStore.headMoved(e)).as("not retried as a moved head").isFalse();
      });
      c.query("COMMIT").execute().await(); // as the store sends it behind the write: the server rolls back
      assertThat(ledger.count("SELECT seq FROM ledger.heads WHERE tenant_id = ?", tenant)).isEqualTo(1);
      assertThat(ledger.count("SELECT count(*) FROM ledger.blocks WHERE tenant_id = ?", tenant)).isEqualTo(1);
      assertThat(ledger.count("SELECT count(*) FROM ledger.idempotency_keys WHERE tenant_id = ?", tenant)).isZero();
      // the row exists, but the batch was planned on another amount than it holds: refused as well
      begin(c, tenant);
      Future<?> stale = writeBalances(c, tenant, false, new String[] {LedgerAccounts.cash(user)},
          new BigDecimal[] {new BigDecimal(7)}, new BigDecimal[] {new BigDecimal("4.00")});
      assertThatThrownBy(stale::await).satisfies(e -> assertThat(LedgerStore.balancesDiffered(e)).isTrue());
      c.query("ROLLBACK").execute().await();
      // planned on the amount it holds (5.00, written 5.0 here: numeric equality ignores the scale): updated
      begin(c, tenant);
      writeBalances(c, tenant, false, new String[] {LedgerAccounts.cash(user)},
          new BigDecimal[] {new BigDecimal("6.00")}, new BigDecimal[] {new BigDecimal("5.0")}).await();
      c.query("ROLLBACK").execute().await();
    } finally {
      c.close().await();
    }
    assertThat(ledger.count("SELECT count(*) FROM ledger.balances WHERE tenant_id = ? AND amount = 7", tenant))
        .isZero();
  }

  /**
   * The batch's write statement on the head as it is (seq 1), updating the given balances of USD; with {@code
   * withEntry}, moving the head to seq 2 with a block of one (made-up) entry and its idempotency key as well.
   */
  private static Future<?> writeBalances(SqlConnection c, UUID tenant, boolean withEntry, String[] accounts,
      BigDecimal[] amounts, BigDecimal[] before) {
    io.vertx.sqlclient.Row head = c.preparedQuery(LedgerSql.HEAD_READ).execute(Tuple.of(tenant)).await().iterator()
        .next();
    long seq = head.getLong("seq");
    Buffer hash = head.getBuffer("hash");
    Object[] args = new Object[21];
    args[0] = tenant;
    args[1] = seq;
    args[2] = hash;
    args[3] = withEntry ? seq + 1 : seq;
    args[4] = withEntry ? H2 : hash;
    if (withEntry) {
      args[5] = H2;
      args[6] = new Buffer[] {Buffer.buffer("{}")};
      args[7] = new java.time.OffsetDateTime[] {java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)};
      args[8] = new String[] {"test"};
      args[9] = new UUID[] {null};
      args[10] = new UUID[] {null};
      args[11] = new String[] {"made-up"};
      args[12] = new Long[] {seq + 1};
      args[13] = new Buffer[] {null};
    }
    String[] currencies = new String[accounts.length];
    java.util.Arrays.fill(currencies, "USD");
    args[14] = accounts;
    args[15] = currencies;
    args[16] = java.util.Arrays.stream(amounts).map(io.vertx.sqlclient.data.Numeric::create)
        .toArray(io.vertx.sqlclient.data.Numeric[]::new);
    args[17] = java.util.Arrays.stream(before).map(io.vertx.sqlclient.data.Numeric::create)
        .toArray(io.vertx.sqlclient.data.Numeric[]::new);
    return c.preparedQuery(LedgerSql.WRITE_BATCH).execute(Tuple.from(args));
  }

  @Test
  @DisplayName("once the planner has statistics of many small tenants, a batch finds each balance by its key: one primary-key probe a balance, no rescan of the batch's arrays a balance and no scan of the tenant's balances, in its lookup and in the update inside its write")
  void balancesByTheirKeyOnceAnalyzed() throws Exception {
    try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
      c.setAutoCommit(false); // rolled back: the rows and the statistics stay in this test
      s.execute("INSERT INTO ledger.balances (tenant_id, account, currency, amount) "
          + "SELECT t, 'cash:' || gen_random_uuid(), 'USD', 100 FROM (SELECT gen_random_uuid() AS t "
          + "FROM generate_series(1, 12)) ts, generate_series(1, 150)");
      UUID tenant = UUID.randomUUID();
      s.execute("INSERT INTO ledger.balances (tenant_id, account, currency, amount) VALUES ('" + tenant
          + "', 'cash:a', 'USD', 0), ('" + tenant + "', 'cash:b', 'USD', 0)");
      s.execute("INSERT INTO ledger.heads (tenant_id, seq, hash) VALUES ('" + tenant + "', 0, '\\x"
          + HexFormat.of().formatHex(HashChain.GENESIS) + "')");
      s.execute("ANALYZE ledger.balances");
      // the pool's prepared statements, and PL/pgSQL's, turn generic after five runs: the plan every later batch runs
      s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      // a write batch's transaction starts with its scope, which says how it is planned
      s.execute("PREPARE scope(text) AS " + LedgerSql.BATCH_SCOPE);
      s.execute("EXECUTE scope('" + tenant + "')");
      s.execute("PREPARE balances_for(uuid, text[], text[]) AS " + LedgerSql.BALANCES_FOR);
      StringBuilder lookup = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE balances_for('" + tenant + "', '{cash:a,cash:b}', "
          + "'{USD,USD}')")) {
        while (rs.next()) {
          lookup.append(rs.getString(1)).append('\n');
        }
      }
      // the update runs inside ledger.write_batch: its plan as auto_explain logs it, sent to this client
      s.execute("LOAD 'auto_explain'");
      s.execute("SET LOCAL auto_explain.log_min_duration = 0");
      s.execute("SET LOCAL auto_explain.log_nested_statements = on");
      s.execute("SET LOCAL client_min_messages = log");
      s.clearWarnings();
      s.execute("SELECT ledger.write_batch('" + tenant + "', 0, '\\x" + HexFormat.of().formatHex(HashChain.GENESIS)
          + "', 0, '\\x" + HexFormat.of().formatHex(HashChain.GENESIS) + "', NULL, NULL, NULL, NULL, NULL, NULL, "
          + "NULL, NULL, NULL, '{cash:a,cash:b}', '{USD,USD}', '{1,2}', '{0,0}', NULL, NULL, NULL)");
      String update = null;
      for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
        if (w.getMessage().contains("UPDATE ledger.balances")) {
          update = w.getMessage();
        }
      }
      assertThat(update).as("auto_explain's plan of the balances' update").isNotNull();
      for (String plan : List.of(lookup.toString(), update)) {
        // the index probed with each (account, currency) of the arrays: the arrays are the outer side of the
        // loop, read once (the quadratic plan probed the index with all accounts, then rescanned the arrays for each)
        assertThat(plan)
            .contains("Nested Loop")
            .contains("Index Scan using balances_pkey on balances")
            .containsPattern("Index Cond: \\(\\(tenant_id = (\\$1|t)\\) AND \\(account = [kv]\\.account\\) AND "
                + "\\(currency = [kv]\\.currency\\)\\)")
            .doesNotContain("Join Filter")
            .doesNotContain("Hash")
            .doesNotContain("Bitmap Heap Scan on balances")
            .doesNotContain("Seq Scan on balances");
      }
      c.rollback();
    }
  }

  @Test
  @DisplayName("a write batch's transaction is READ COMMITTED even where repeatable read is the default, and waits at most 30 s for a lock")
  void batchTransactionSettings() throws Exception {
    SqlConnection c = ledger.pool.getConnection().await();
    try {
      c.query("SET default_transaction_isolation = 'repeatable read'").execute().await();
      c.query(LedgerSql.BATCH_BEGIN).execute().await();
      c.preparedQuery(LedgerSql.BATCH_SCOPE).execute(Tuple.of(UUID.randomUUID().toString())).await();
      var row = c.query("SELECT current_setting('transaction_isolation'), current_setting('lock_timeout')").execute()
          .await().iterator().next();
      assertThat(row.getString(0)).isEqualTo("read committed");
      assertThat(row.getString(1)).isEqualTo(LedgerSql.BATCH_LOCK_TIMEOUT);
      c.query("ROLLBACK").execute().await();
      assertThat(c.query("SELECT current_setting('lock_timeout')").execute().await().iterator().next().getString(0))
          .as("set for the transaction only").isEqualTo("0");
    } finally {
      c.query("RESET default_transaction_isolation").execute().await();
      c.close().await();
    }
  }

  private static void begin(SqlConnection c, UUID tenant) {
    c.query("BEGIN").execute().await();
    c.preparedQuery(LedgerSql.SET_TENANT).execute(Tuple.of(tenant.toString())).await();
  }

  private static final Buffer GENESIS = Buffer.buffer(HashChain.GENESIS);
  private static final Buffer H1 = fakeHash(1);
  private static final Buffer H2 = fakeHash(2);

  /** Two transactions of one chain, the batch ahead and the batch behind it. */
  private interface TwoConnections {
    void run(SqlConnection ahead, SqlConnection behind) throws Exception;
  }

  private static void onTwoConnections(TwoConnections body) throws Exception {
    SqlConnection ahead = ledger.pool.getConnection().await();
    SqlConnection behind = ledger.pool.getConnection().await();
    try {
      body.run(ahead, behind);
    } finally {
      ahead.close().await();
      behind.close().await();
    }
  }

  /** The client's log lines of the server's "there is no transaction in progress" warning (25P01). */
  private static long noTransaction(ListAppender<ILoggingEvent> log) {
    synchronized (log) { // the appender appends under its own lock, from the event loops
      return log.list.stream().filter(e -> e.getFormattedMessage().contains("code='25P01'")).count();
    }
  }

  /** A 32-byte value standing for a hash, told apart by its first byte. */
  private static Buffer fakeHash(int first) {
    return Buffer.buffer(new byte[32]).setByte(0, (byte) first);
  }

  /** The chain's head row at seq 0, committed. */
  private static void makeHead(SqlConnection c, UUID tenant) {
    begin(c, tenant);
    c.preparedQuery(LedgerSql.HEAD_ENSURE).execute(Tuple.of(tenant, Buffer.buffer(HashChain.GENESIS))).await();
    c.query("COMMIT").execute().await();
  }

  private static Future<Long> advance(SqlConnection c, UUID tenant, long fromSeq, Buffer fromHash, long toSeq,
      Buffer toHash) {
    return c.preparedQuery("SELECT ledger.advance_head($1, $2, $3, $4, $5)")
        .execute(Tuple.of(tenant, fromSeq, fromHash, toSeq, toHash))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Until the backend waits for a lock, or the statement has answered (polled: there is nothing to be told by). */
  private static void awaitWaitingOrDone(int pid, Future<?> statement) {
    io.keyway.config.Eventually.holds(60_000, "the statement answered or waited for a lock",
        () -> statement.isComplete() || waitsForALock(pid));
  }

  private static boolean waitsForALock(int pid) {
    try {
      return ledger.count("SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'", pid) > 0;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The runtime pool, except that the connections asked for whose number (from 1) {@code fails} accepts throw {@code
   * fault} as they are asked for: a fault of the caller's own, before anything is sent.
   */
  private static io.vertx.sqlclient.Pool poolFailing(java.util.function.IntPredicate fails, String fault) {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    return proxy(io.vertx.sqlclient.Pool.class, ledger.pool, (pool, method, args) -> {
      if (method.getName().equals("getConnection") && method.getParameterCount() == 0
          && fails.test(asked.incrementAndGet())) {
        throw new IllegalStateException(fault);
      }
      return method.invoke(pool, args);
    });
  }


  /**
   * The test's pool, whose connections fail each statement in {@code toFail} once, in this client (taking it out of the
   * set): the future fails and nothing is sent, as when a parameter cannot be encoded. Everything else goes to the
   * server.
   */
  private static io.vertx.sqlclient.Pool poolFailingOnce(Set<String> toFail) {
    return proxy(io.vertx.sqlclient.Pool.class, ledger.pool, (pool, method, args) -> {
      Object out = method.invoke(pool, args);
      if (method.getName().equals("getConnection") && method.getParameterCount() == 0) {
        return ((Future<?>) out).map(c -> proxy(SqlConnection.class, (SqlConnection) c, (conn, m, a) -> {
          Object q = m.invoke(conn, a);
          if (!m.getName().equals("preparedQuery") || !toFail.contains(a[0])) {
            return q;
          }
          String sql = (String) a[0];
          return proxy(io.vertx.sqlclient.PreparedQuery.class, q, (query, e, ea) ->
              e.getName().equals("execute") && ea != null && ea.length == 1 && toFail.remove(sql)
                  ? Future.failedFuture(new IllegalStateException("a parameter this client could not encode, for the test"))
                  : e.invoke(query, ea));
        }));
      }
      return out;
    });
  }

  private interface Invocation {
    Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable;
  }

  /** {@code target} behind {@code type}, each call going through {@code call}; a call's own exception unwrapped. */
  private static <T> T proxy(Class<T> type, Object target, Invocation call) {
    return type.cast(java.lang.reflect.Proxy.newProxyInstance(LedgerAppendTest.class.getClassLoader(),
        new Class<?>[] {type}, (p, method, args) -> {
          try {
            return call.invoke(target, method, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  /** Submits every request on one event loop, as the verticle does, at once. */
  private static List<Future<AppendResult>> submitAll(List<AppendRequest> requests) throws Exception {
    return submitAll(requests, ledger.scope, 10);
  }

  /**
   * As {@link #submitAll(List)}, to one writer over {@code scope} with batches of at most {@code maxBatch}; a submit
   * that throws fails this call rather than leaving it waiting.
   */
  private static List<Future<AppendResult>> submitAll(List<AppendRequest> requests,
      io.keyway.config.db.TenantScope scope, int maxBatch) throws Exception {
    Context context = ledger.vertx.getOrCreateContext();
    Promise<List<Future<AppendResult>>> submitted = Promise.promise();
    context.runOnContext(x -> {
      try {
        ChainWriters writers = new ChainWriters(new LedgerStore(scope), maxBatch, 2, plan -> {});
        submitted.complete(requests.stream().map(r -> writers.submit(PreparedAppend.of(r))).toList());
      } catch (RuntimeException e) {
        submitted.fail(e);
      }
    });
    return submitted.future().await(30, TimeUnit.SECONDS);
  }

  /** {@code n} sign-in records of one user, each with its index in the payload. */
  private static List<AppendRequest> logins(UUID tenant, UUID user, int n) {
    List<AppendRequest> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(AppendRequest.record(tenant, "auth.login", "user:" + user, "user:" + user, user,
          new JsonObject().put("i", i)));
    }
    return out;
  }
}

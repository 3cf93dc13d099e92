package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.UnixSocketFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the ledger promises against someone holding the database: the runtime role cannot change the
 * chain, even the owner needs to disable the ALWAYS triggers to do it, and then {@code verify}
 * names the damage, whether it is one byte, a cut tail or a rewrite with every hash recomputed.
 * Each test works on a chain of its own tenant: 30 entries, signed at the head.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerTamperTest {
  private static final int SEEDED = 30;
  private static LedgerFixture ledger;

  private UUID tenant;
  private UUID user;
  private List<AppendResult> seeded;
  private Checkpoint checkpoint;

  @BeforeAll
  static void deploy(Vertx vertx) {
    ledger = LedgerFixture.deploy(vertx);
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  @BeforeEach
  void seedSignedChain() throws SQLException {
    tenant = UUID.randomUUID();
    user = UUID.randomUUID();
    seeded = ledger.seed(tenant, user, SEEDED);
    checkpoint = ledger.signNow(tenant);
    assertThat(checkpoint.seq()).isEqualTo(SEEDED);
  }

  @Test
  @DisplayName("an untouched chain verifies against its signed checkpoint, with its entries, head seq and head hash")
  void untouchedChainVerifies() throws Exception {
    VerifyReport report = verify(ledger, tenant);

    String head = seeded.stream().filter(r -> r.seq() == SEEDED).findFirst().orElseThrow().hash();
    assertThat(report.ok()).as(report.problem()).isTrue();
    assertThat(report.entries()).isEqualTo(SEEDED);
    assertThat(report.headSeq()).isEqualTo(SEEDED);
    assertThat(report.headHash()).isEqualTo(head).isEqualTo(HexFormat.of().formatHex(checkpoint.hash()));
    assertThat(report.firstBadSeq()).isNull();
    assertThat(report.checkpoint().getLong("seq")).isEqualTo(SEEDED);
    assertThat(seeded).extracting(AppendResult::seq).containsExactlyInAnyOrderElementsOf(
        LongStream.rangeClosed(1, SEEDED).boxed().toList());
  }

  @Test
  @DisplayName("one byte changed in entry 17 is named: verify fails with firstBadSeq 17")
  void oneByteChanged() throws Exception {
    String canonical = canonical(17);
    int at = canonical.indexOf("\"note\":\"seed-") + "\"note\":\"".length();
    String changed = canonical.substring(0, at) + 'S' + canonical.substring(at + 1);
    assertThat(changed).hasSameSizeAs(canonical).isNotEqualTo(canonical);

    ledger.tamper(c -> assertThat(LedgerFixture.execute(c, "UPDATE ledger.blocks SET canonicals[(17 - first_seq + 1)::int] = ? "
        + "WHERE tenant_id = ? AND 17 BETWEEN first_seq AND last_seq", changed, tenant)).isEqualTo(1));

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(17);
    assertThat(report.problem()).contains("seq 17");
    assertThat(report.headSeq()).as("last good entry").isEqualTo(16);
  }

  @Test
  @DisplayName("the last 10 entries deleted (a whole block deleted, the block before trimmed): verify fails against the checkpoint, naming the signed head and the head it found")
  void tailDeleted() throws Exception {
    String foundHead = hashHex(20);
    ledger.tamper(c -> {
      LedgerFixture.takeOut(c, tenant);
      LedgerFixture.storeBack(c, 1, 10, 19, 24);
      assertThat(LedgerFixture.execute(c, "DELETE FROM ledger.blocks WHERE tenant_id = ? AND first_seq > 20", tenant))
          .isEqualTo(1);
      assertThat(LedgerFixture.execute(c, "UPDATE ledger.blocks SET last_seq = 20, hashes = substr(hashes, 1, 64), "
          + "canonicals = canonicals[1:2], created_ats = created_ats[1:2], kinds = kinds[1:2], user_ids = user_ids[1:2], "
          + "account_ids = account_ids[1:2] WHERE tenant_id = ? AND first_seq = 19", tenant)).isEqualTo(1);
    });
    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(20);

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.headSeq()).isEqualTo(20);
    assertThat(report.firstBadSeq()).isEqualTo(21);
    assertThat(report.problem())
        .contains("seq 20", foundHead)
        .contains("seq " + SEEDED, HexFormat.of().formatHex(checkpoint.hash()));
  }

  @Test
  @DisplayName("a wholesale rewrite from seq 12 with every hash recomputed is consistent in itself but fails against the checkpoint")
  void rewriteWithRecomputedHashes() throws Exception {
    ledger.tamper(c -> {
      LedgerFixture.takeOut(c, tenant);
      byte[] prev = HexFormat.of().parseHex(hashHex(11));
      for (long seq = 12; seq <= SEEDED; seq++) {
        JsonObject was = new JsonObject(canonicalOf(c, seq));
        JsonObject payload = was.getJsonObject("payload");
        if (seq == 12) {
          payload.put("note", "forged");
        }
        StoredEntry forged = StoredEntry.seal(tenant, seq, UUID.fromString(was.getString("id")), was.getString("kind"),
            was.getString("actor"), was.getString("subject"), uuid(was.getString("userId")),
            uuid(was.getString("accountId")), was.getString("idempotencyKey"), null,
            Instant.parse(was.getString("createdAt")), payload, prev);
        LedgerFixture.execute(c, "UPDATE chain SET canonical = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            forged.canonical(), forged.prevHash(), forged.hash(), seq);
        prev = forged.hash();
      }
      LedgerFixture.storeBack(c, 1, 7, 12, 20);
      LedgerFixture.execute(c, "UPDATE ledger.heads SET hash = ? WHERE tenant_id = ?", prev, tenant);
    });
    // the writer keeps chaining onto the forged head, as it would after a real rewrite
    ledger.seed(tenant, user, 3);

    VerifyReport unsigned = new LedgerVerifier(ledger.db.app(), ledger.signer).verify(tenant, Optional.empty());
    assertThat(unsigned.ok()).as("every link is internally consistent").isTrue();
    assertThat(unsigned.headSeq()).isEqualTo(SEEDED + 3);

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(SEEDED);
    assertThat(report.problem()).contains("seq " + SEEDED, "rewritten", HexFormat.of().formatHex(checkpoint.hash()));
  }

  @Test
  @DisplayName("a chain stored in other blocks (same entries, other cuts) still verifies: the blocks carry no meaning of their own")
  void otherCutsVerify() throws Exception {
    ledger.tamper(c -> {
      LedgerFixture.takeOut(c, tenant);
      LedgerFixture.storeBack(c, 1, 2, 3, 17, 18, 30);
    });
    assertThat(ledger.count("SELECT count(*) FROM ledger.blocks WHERE tenant_id = ?", tenant)).isEqualTo(6);

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).as(report.problem()).isTrue();
    assertThat(report.entries()).isEqualTo(SEEDED);
  }

  @Test
  @DisplayName("two entries swapped in order (seq 10 and 11) fail at seq 10, inside one block and as two block rows")
  void reorderedPair() throws Exception {
    for (long[] cuts : List.of(new long[] {1}, new long[] {1, 10, 11, 12})) {
      UUID t = seededChain();
      ledger.tamper(c -> {
        LedgerFixture.takeOut(c, t);
        LedgerFixture.execute(c, "UPDATE chain SET seq = 21 - seq WHERE seq IN (10, 11)");
        LedgerFixture.storeBack(c, cuts);
      });

      VerifyReport report = verify(ledger, t);
      assertThat(report.ok()).as("cut at %s", java.util.Arrays.toString(cuts)).isFalse();
      assertThat(report.firstBadSeq()).isEqualTo(10);
    }
  }

  @Test
  @DisplayName("an entry inserted in the middle (later entries shifted up) fails at the first entry after it, inside a block and as a block row of its own")
  void insertedRow() throws Exception {
    // inside a block an entry's prev_hash is the hash before it, so the entry after the forged one no
    // longer hashes right; as a block row of its own, the next block's prev_hash no longer links
    Map<long[], String> problems = new LinkedHashMap<>();
    problems.put(new long[] {1}, "the hash of seq 16 does not match");
    problems.put(new long[] {1, 15, 16}, "prev_hash of seq 16");
    for (long[] cuts : problems.keySet()) {
      UUID t = seededChain();
      ledger.tamper(c -> {
        LedgerFixture.takeOut(c, t);
        LedgerFixture.execute(c, "UPDATE chain SET seq = seq + 1 WHERE seq >= 15");
        // a well-formed entry that links correctly to seq 14: only what follows it can give it away
        JsonObject was = new JsonObject(canonicalOf(c, 14));
        StoredEntry forged = StoredEntry.seal(t, 15, UUID.randomUUID(), "capital.deposit", "admin", "user:" + user,
            user, null, null, null, Instant.parse(was.getString("createdAt")),
            new JsonObject().put("note", "inserted"), hashOf(c, 14));
        LedgerFixture.execute(c, "INSERT INTO chain (tenant_id, seq, kind, user_id, account_id, created_at, canonical, "
                + "prev_hash, hash) VALUES (?, 15, ?, ?, NULL, ?, ?, ?, ?)", t, forged.kind(), user,
            OffsetDateTime.ofInstant(forged.createdAt(), ZoneOffset.UTC), forged.canonical(), forged.prevHash(),
            forged.hash());
        LedgerFixture.storeBack(c, cuts);
      });

      VerifyReport report = verify(ledger, t);
      assertThat(report.ok()).isFalse();
      assertThat(report.firstBadSeq()).isEqualTo(16);
      assertThat(report.problem()).contains(problems.get(cuts));
    }
  }

  @Test
  @DisplayName("an entry duplicated inside its block (later entries shifted up) fails at the copy")
  void duplicatedElement() throws Exception {
    ledger.tamper(c -> {
      LedgerFixture.takeOut(c, tenant);
      LedgerFixture.execute(c, "UPDATE chain SET seq = seq + 1 WHERE seq > 6");
      LedgerFixture.execute(c, "INSERT INTO chain SELECT tenant_id, 7, kind, user_id, account_id, created_at, canonical, "
          + "prev_hash, hash FROM chain WHERE seq = 6");
      LedgerFixture.storeBack(c, 1);
    });

    assertNamed(tenant, 7, "seq 7");
  }

  @Test
  @DisplayName("a block row overlapping the one before it (entries 6 to 8 stored twice) fails at the repeated seq")
  void overlappingBlocks() throws Exception {
    ledger.tamper(c -> {
      LedgerFixture.takeOut(c, tenant);
      LedgerFixture.storeBack(c, 1, 5, 9);
      assertThat(LedgerFixture.execute(c, "INSERT INTO ledger.blocks SELECT tenant_id, 6, 8, substr(hashes, 1, 32), "
          + "substr(hashes, 33, 96), canonicals[2:4], created_ats[2:4], kinds[2:4], user_ids[2:4], account_ids[2:4] "
          + "FROM ledger.blocks WHERE tenant_id = ? AND first_seq = 5", tenant)).isEqualTo(1);
    });

    assertNamed(tenant, 6, "seq 6 appears again");
  }

  @Test
  @DisplayName("a block whose parts disagree (last_seq moved, hashes cut short, an array of two dimensions, no texts at all) "
      + "is named as malformed at its first seq")
  void malformedBlock() throws Exception {
    for (String change : List.of("last_seq = 25", "hashes = substr(hashes, 1, 64)", "kinds = ARRAY[kinds, kinds]",
        "canonicals = '{}'", "canonicals = ARRAY[canonicals, canonicals]")) {
      UUID t = seededChain();
      ledger.tamper(c -> {
        LedgerFixture.takeOut(c, t);
        LedgerFixture.storeBack(c, 1, 11, 21);
        assertThat(LedgerFixture.execute(c, "UPDATE ledger.blocks SET " + change + " WHERE tenant_id = ? AND first_seq = 11",
            t)).as(change).isEqualTo(1);
      });

      assertNamed(t, 11, "block holding seq 11 is malformed");
    }
  }

  @Test
  @DisplayName("an entry moved to another user by its user_ids element is caught: the column disagrees with the hashed text")
  void userColumnRewritten() throws Exception {
    ledger.tamper(c -> assertThat(LedgerFixture.execute(c, "UPDATE ledger.blocks SET user_ids[(8 - first_seq + 1)::int] = ? "
        + "WHERE tenant_id = ? AND 8 BETWEEN first_seq AND last_seq", UUID.randomUUID(), tenant)).isEqualTo(1));

    assertNamed(tenant, 8, "columns of seq 8");
  }

  @Test
  @DisplayName("a duplicated block row (primary key dropped by the owner) fails at the repeated seq")
  void duplicatedBlockRow() throws Exception {
    // dropping the primary key would outlive this test, so it runs on a database and event bus of its own
    Vertx other = Vertx.vertx();
    LedgerFixture own = LedgerFixture.deploy(other);
    try {
      UUID t = UUID.randomUUID();
      own.seed(t, UUID.randomUUID(), 12);
      own.signNow(t);
      assertThat(verify(own, t).ok()).isTrue();
      long first = own.count("SELECT first_seq FROM ledger.blocks WHERE tenant_id = ? AND 6 BETWEEN first_seq AND last_seq", t);
      try (Connection c = own.owner(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute("ALTER TABLE ledger.blocks DROP CONSTRAINT blocks_pkey CASCADE");
        LedgerFixture.execute(c, "INSERT INTO ledger.blocks SELECT * FROM ledger.blocks WHERE tenant_id = ? AND first_seq = ?",
            t, first);
        c.commit();
      }
      assertThat(own.count("SELECT count(*) FROM ledger.blocks WHERE tenant_id = ? AND first_seq = ?", t, first))
          .isEqualTo(2);

      VerifyReport report = verify(own, t);
      assertThat(report.ok()).isFalse();
      assertThat(report.firstBadSeq()).isEqualTo(first);
      assertThat(report.problem()).contains("seq " + first + " appears again");
    } finally {
      own.close();
      other.close().await();
    }
  }

  @Test
  @DisplayName("the runtime role cannot UPDATE, DELETE or TRUNCATE the chain, and the owner cannot either, even as a replica")
  void appendOnlyInTheDatabase() throws Exception {
    // one keyed entry, so the idempotency table has a row of this tenant to refuse changing
    ledger.client.append(new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new java.math.BigDecimal("5"), "USD", "keyed")
        .toAppend(tenant, "admin", "key-1", "aa".repeat(32))).await();
    try (Connection app = DatabaseBootstrap.connect(ledger.db.app()); Statement s = app.createStatement()) {
      LedgerFixture.execute(app, "SELECT set_config('keyway.tenant_id', ?, false)", tenant.toString());
      assertThat(count(app, "SELECT count(*) FROM ledger.entries")).as("the runtime role sees its chain")
          .isEqualTo(SEEDED + 1);
      for (String sql : List.of("UPDATE ledger.blocks SET kinds = kinds WHERE first_seq = 1",
          "DELETE FROM ledger.blocks WHERE first_seq = 1",
          "TRUNCATE ledger.blocks CASCADE",
          "UPDATE ledger.idempotency_keys SET seq = 1",
          "DELETE FROM ledger.idempotency_keys",
          "DELETE FROM ledger.checkpoints")) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      }
      // the per-entry views can be read, never written (not even by their owner)
      for (String sql : List.of("UPDATE ledger.entries SET kind = 'x' WHERE seq = 1", "DELETE FROM ledger.postings",
          "INSERT INTO ledger.postings (tenant_id, entry_seq, n, account, currency, amount) "
              + "VALUES ('" + tenant + "', 1, 9, 'external', 'USD', 1)")) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("42501", "55000"));
      }
    }
    try (Connection owner = ledger.owner()) {
      LedgerFixture.execute(owner, "SET session_replication_role = replica");
      for (String sql : List.of("UPDATE ledger.blocks SET kinds = kinds WHERE tenant_id = ? AND first_seq = 1",
          "DELETE FROM ledger.blocks WHERE tenant_id = ?",
          "UPDATE ledger.idempotency_keys SET seq = 1 WHERE tenant_id = ?",
          "DELETE FROM ledger.idempotency_keys WHERE tenant_id = ?",
          "DELETE FROM ledger.checkpoints WHERE tenant_id = ?")) {
        assertThatThrownBy(() -> LedgerFixture.execute(owner, sql, tenant)).as(sql).isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
      for (String sql : List.of("TRUNCATE ledger.blocks", "TRUNCATE ledger.idempotency_keys")) {
        assertThatThrownBy(() -> LedgerFixture.execute(owner, sql)).as(sql)
            .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
      }
    }

    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(SEEDED + 1);
    assertThat(ledger.count("SELECT count(*) FROM ledger.idempotency_keys WHERE tenant_id = ?", tenant)).isEqualTo(1);
    assertThat(verify(ledger, tenant).ok()).isTrue();
  }

  /**
   * The gateway's verification, which reads a chain this short in one range over TCP; the same chain
   * read as two to five seq ranges at once (snapshot shared), and over the server's Unix-domain
   * socket where it has one, must give the same report, whatever the cuts.
   */
  private static VerifyReport verify(LedgerFixture fixture, UUID tenant) throws SQLException {
    VerifyReport report = fixture.verify(tenant);
    Optional<Checkpoint> newest = fixture.checkpoints.newest(tenant).await();
    for (int ranges = 2; ranges <= 5; ranges++) {
      VerifyReport inRanges = new LedgerVerifier(fixture.db.app(), fixture.signer).verify(tenant, newest, ranges);
      assertThat(withoutTime(inRanges)).as("read as %d ranges", ranges).isEqualTo(withoutTime(report));
    }
    for (int ranges = 1; ranges <= 2; ranges++) {
      LedgerVerifier overSocket = new LedgerVerifier(fixture.db.app(), fixture.signer,
          UnixSocketFactory.DEFAULT_DIRECTORIES, 0);
      VerifyReport socket = overSocket.verify(tenant, newest, ranges);
      assertThat(withoutTime(socket)).as("read over %s as %d ranges", overSocket.lastTransport(), ranges)
          .isEqualTo(withoutTime(report));
    }
    return report;
  }

  private static VerifyReport withoutTime(VerifyReport r) {
    return new VerifyReport(r.ok(), r.entries(), r.headSeq(), r.headHash(), r.firstBadSeq(), r.problem(),
        r.checkpoint(), 0);
  }

  /** Verify fails on the tenant's chain, naming {@code seq} and saying {@code problem}. */
  private static void assertNamed(UUID t, long seq, String problem) throws SQLException {
    VerifyReport report = verify(ledger, t);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(seq);
    assertThat(report.problem()).contains(problem);
  }

  /** Another tenant's chain like the one {@link #seedSignedChain} makes, signed at its head. */
  private UUID seededChain() {
    UUID t = UUID.randomUUID();
    ledger.seed(t, user, SEEDED);
    ledger.signNow(t);
    return t;
  }

  private String canonical(long seq) throws SQLException {
    return (String) ledger.query("SELECT canonical FROM ledger.entries WHERE tenant_id = ? AND seq = ?", tenant, seq)
        .get(0)[0];
  }

  private String hashHex(long seq) throws SQLException {
    return HexFormat.of().formatHex((byte[]) ledger.query("SELECT hash FROM ledger.entries WHERE tenant_id = ? AND seq = ?",
        tenant, seq).get(0)[0]);
  }

  /** Inside {@link LedgerFixture#takeOut}: an entry's text as the {@code chain} table holds it. */
  private static String canonicalOf(Connection c, long seq) throws SQLException {
    return (String) chainColumn(c, "canonical", seq);
  }

  private static byte[] hashOf(Connection c, long seq) throws SQLException {
    return (byte[]) chainColumn(c, "hash", seq);
  }

  private static Object chainColumn(Connection c, String column, long seq) throws SQLException {
    try (var ps = c.prepareStatement("SELECT " + column + " FROM chain WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1);
      }
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static UUID uuid(String s) {
    return s == null ? null : UUID.fromString(s);
  }
}

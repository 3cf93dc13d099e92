package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.db.DatabaseBootstrap;
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
import java.util.List;
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

    ledger.tamper(c -> LedgerFixture.execute(c,
        "UPDATE ledger.entries SET canonical = ? WHERE tenant_id = ? AND seq = 17", changed, tenant));

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(17);
    assertThat(report.problem()).contains("seq 17");
    assertThat(report.headSeq()).as("last good entry").isEqualTo(16);
  }

  @Test
  @DisplayName("the last 10 entries deleted: verify fails against the checkpoint, naming the signed head and the head it found")
  void tailDeleted() throws Exception {
    String foundHead = hashHex(20);
    ledger.tamper(c -> {
      LedgerFixture.execute(c, "DELETE FROM ledger.postings WHERE tenant_id = ? AND entry_seq > 20", tenant);
      assertThat(LedgerFixture.execute(c, "DELETE FROM ledger.entries WHERE tenant_id = ? AND seq > 20", tenant))
          .isEqualTo(10);
    });

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
      byte[] prev = HexFormat.of().parseHex(hashHex(11));
      for (long seq = 12; seq <= SEEDED; seq++) {
        JsonObject was = new JsonObject(canonical(seq));
        JsonObject payload = was.getJsonObject("payload");
        if (seq == 12) {
          payload.put("note", "forged");
        }
        StoredEntry forged = StoredEntry.seal(tenant, seq, UUID.fromString(was.getString("id")), was.getString("kind"),
            was.getString("actor"), was.getString("subject"), uuid(was.getString("userId")),
            uuid(was.getString("accountId")), was.getString("idempotencyKey"), null,
            Instant.parse(was.getString("createdAt")), payload, prev);
        LedgerFixture.execute(c, "UPDATE ledger.entries SET canonical = ?, prev_hash = ?, hash = ? "
            + "WHERE tenant_id = ? AND seq = ?", forged.canonical(), forged.prevHash(), forged.hash(), tenant, seq);
        prev = forged.hash();
      }
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
  @DisplayName("two entries swapped in order (seq 10 and 11) fail at seq 10")
  void reorderedPair() throws Exception {
    ledger.tamper(c -> {
      move(c, 10, 1_000_000);
      move(c, 11, 10);
      move(c, 1_000_000, 11);
    });

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(10);
  }

  @Test
  @DisplayName("a row inserted in the middle (later entries shifted up) fails at the first entry after it")
  void insertedRow() throws Exception {
    ledger.tamper(c -> {
      for (long seq = SEEDED; seq >= 15; seq--) {
        move(c, seq, seq + 1);
      }
      // a well-formed entry that links correctly to seq 14: only what follows it can give it away
      StoredEntry forged = StoredEntry.seal(tenant, 15, UUID.randomUUID(), "capital.deposit", "admin", "user:" + user,
          user, null, null, null, Instant.parse(new JsonObject(canonical(14)).getString("createdAt")),
          new JsonObject().put("note", "inserted"), HexFormat.of().parseHex(hashHex(14)));
      LedgerFixture.execute(c, "INSERT INTO ledger.entries (tenant_id, seq, id, kind, actor, subject, user_id, "
              + "created_at, canonical, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          tenant, 15L, forged.id(), forged.kind(), forged.actor(), forged.subject(), user,
          OffsetDateTime.ofInstant(forged.createdAt(), ZoneOffset.UTC), forged.canonical(), forged.prevHash(),
          forged.hash());
    });

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(16);
    assertThat(report.problem()).contains("prev_hash of seq 16");
  }

  @Test
  @DisplayName("an entry moved to another user by its user_id column is caught: the column disagrees with the hashed text")
  void userColumnRewritten() throws Exception {
    ledger.tamper(c -> LedgerFixture.execute(c,
        "UPDATE ledger.entries SET user_id = ? WHERE tenant_id = ? AND seq = 8", UUID.randomUUID(), tenant));

    VerifyReport report = verify(ledger, tenant);
    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(8);
    assertThat(report.problem()).contains("columns of seq 8");
  }

  @Test
  @DisplayName("a duplicated row (constraints dropped by the owner) fails at the repeated seq")
  void duplicatedRow() throws Exception {
    // dropping the primary key would outlive this test, so it runs on a database and event bus of its own
    Vertx other = Vertx.vertx();
    LedgerFixture own = LedgerFixture.deploy(other);
    try {
      UUID t = UUID.randomUUID();
      own.seed(t, UUID.randomUUID(), 12);
      own.signNow(t);
      assertThat(verify(own, t).ok()).isTrue();
      try (Connection c = own.owner(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute("ALTER TABLE ledger.entries DROP CONSTRAINT entries_pkey CASCADE");
        s.execute("ALTER TABLE ledger.entries DROP CONSTRAINT entries_id_key");
        LedgerFixture.execute(c, "INSERT INTO ledger.entries SELECT * FROM ledger.entries WHERE tenant_id = ? AND seq = 6", t);
        c.commit();
      }
      assertThat(own.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ? AND seq = 6", t)).isEqualTo(2);

      VerifyReport report = verify(own, t);
      assertThat(report.ok()).isFalse();
      assertThat(report.firstBadSeq()).isEqualTo(6);
      assertThat(report.problem()).contains("seq 6 appears again");
    } finally {
      own.close();
      other.close().await();
    }
  }

  @Test
  @DisplayName("the runtime role cannot UPDATE, DELETE or TRUNCATE the chain, and the owner cannot either, even as a replica")
  void appendOnlyInTheDatabase() throws Exception {
    try (Connection app = DatabaseBootstrap.connect(ledger.db.app()); Statement s = app.createStatement()) {
      LedgerFixture.execute(app, "SELECT set_config('keyway.tenant_id', ?, false)", tenant.toString());
      assertThat(count(app, "SELECT count(*) FROM ledger.entries")).as("the runtime role sees its chain").isEqualTo(SEEDED);
      for (String sql : List.of("UPDATE ledger.entries SET kind = 'x' WHERE seq = 1",
          "DELETE FROM ledger.entries WHERE seq = " + SEEDED,
          "TRUNCATE ledger.entries CASCADE",
          "UPDATE ledger.postings SET amount = 0",
          "DELETE FROM ledger.checkpoints")) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      }
    }
    try (Connection owner = ledger.owner()) {
      LedgerFixture.execute(owner, "SET session_replication_role = replica");
      for (String sql : List.of("UPDATE ledger.entries SET kind = 'x' WHERE tenant_id = ? AND seq = 1",
          "DELETE FROM ledger.entries WHERE tenant_id = ? AND seq = " + SEEDED,
          "UPDATE ledger.postings SET amount = 0 WHERE tenant_id = ?",
          "DELETE FROM ledger.checkpoints WHERE tenant_id = ?")) {
        assertThatThrownBy(() -> LedgerFixture.execute(owner, sql, tenant)).as(sql).isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
      assertThatThrownBy(() -> LedgerFixture.execute(owner, "TRUNCATE ledger.entries, ledger.postings"))
          .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
    }

    assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant)).isEqualTo(SEEDED);
    assertThat(verify(ledger, tenant).ok()).isTrue();
  }

  /**
   * The gateway's verification, which reads a chain this short in one range; the same chain read as
   * two to five seq ranges at once (snapshot shared) must give the same report, whatever the cuts.
   */
  private static VerifyReport verify(LedgerFixture fixture, UUID tenant) throws SQLException {
    VerifyReport report = fixture.verify(tenant);
    Optional<Checkpoint> newest = fixture.checkpoints.newest(tenant).await();
    for (int ranges = 2; ranges <= 5; ranges++) {
      VerifyReport inRanges = new LedgerVerifier(fixture.db.app(), fixture.signer).verify(tenant, newest, ranges);
      assertThat(withoutTime(inRanges)).as("read as %d ranges", ranges).isEqualTo(withoutTime(report));
    }
    return report;
  }

  private static VerifyReport withoutTime(VerifyReport r) {
    return new VerifyReport(r.ok(), r.entries(), r.headSeq(), r.headHash(), r.firstBadSeq(), r.problem(),
        r.checkpoint(), 0);
  }

  @Test
  @DisplayName("a posting whose entry is not in its chain is refused, as the runtime role of either tenant and as the owner in replica mode; one of an existing entry is taken")
  void orphanPostingRefused() throws Exception {
    UUID otherTenant = UUID.randomUUID();
    ledger.seed(otherTenant, UUID.randomUUID(), 3);
    String insert = "INSERT INTO ledger.postings (tenant_id, entry_seq, n, account, currency, amount) "
        + "VALUES (?, ?, 9, 'external', 'USD', 1)";
    try (Connection app = DatabaseBootstrap.connect(ledger.db.app())) {
      app.setAutoCommit(false);
      LedgerFixture.execute(app, "SELECT set_config('keyway.tenant_id', ?, true)", tenant.toString());
      assertThat(LedgerFixture.execute(app, insert, tenant, 1L)).as("a posting of entry 1 of its own chain").isEqualTo(1);
      app.rollback();
      for (long seq : List.of(0L, SEEDED + 1L)) {
        LedgerFixture.execute(app, "SELECT set_config('keyway.tenant_id', ?, true)", tenant.toString());
        assertThatThrownBy(() -> LedgerFixture.execute(app, insert, tenant, seq)).as("seq " + seq)
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
        app.rollback();
      }
      // seq 10 exists in the first tenant's chain, not in the other's: the other tenant cannot borrow it
      LedgerFixture.execute(app, "SELECT set_config('keyway.tenant_id', ?, true)", otherTenant.toString());
      assertThatThrownBy(() -> LedgerFixture.execute(app, insert, otherTenant, 10L)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
      app.rollback();
    }
    try (Connection owner = ledger.owner()) {
      LedgerFixture.execute(owner, "SET session_replication_role = replica");
      assertThatThrownBy(() -> LedgerFixture.execute(owner, insert, tenant, SEEDED + 1L))
          .isInstanceOf(SQLException.class).hasMessageContaining("must belong to an entry");
    }
    assertThat(ledger.count("SELECT count(*) FROM ledger.postings WHERE n = 9 AND tenant_id IN (?, ?)", tenant,
        otherTenant)).isZero();
  }

  private String canonical(long seq) throws SQLException {
    return (String) ledger.query("SELECT canonical FROM ledger.entries WHERE tenant_id = ? AND seq = ?", tenant, seq)
        .get(0)[0];
  }

  private String hashHex(long seq) throws SQLException {
    return HexFormat.of().formatHex((byte[]) ledger.query("SELECT hash FROM ledger.entries WHERE tenant_id = ? AND seq = ?",
        tenant, seq).get(0)[0]);
  }

  private void move(Connection c, long from, long to) throws SQLException {
    assertThat(LedgerFixture.execute(c, "UPDATE ledger.entries SET seq = ? WHERE tenant_id = ? AND seq = ?", to, tenant,
        from)).isEqualTo(1);
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

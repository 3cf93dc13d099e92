package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.Eventually;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a caller is told when its append's batch fails: "nothing was written" only when the server refused the
 * batch (its transaction rolled back); when the answer was lost (the connection cut while the batch ran), that the
 * outcome is unknown, since the server may have committed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerFailureAnswersTest {

  @Test
  @DisplayName("a batch the server refused, or whose connection was cut before its COMMIT went out, answers 'nothing was written'; one cut after it answers that its outcome is unknown")
  void failuresSayWhatIsKnown(Vertx vertx) throws Exception {
    LedgerFixture ledger = LedgerFixture.deploy(vertx);
    UUID refusedTenant = UUID.randomUUID();
    UUID cutTenant = UUID.randomUUID();
    try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION ledger.test_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "IF NEW.tenant_id = '" + refusedTenant + "' THEN RAISE EXCEPTION 'a fault for the test'; END IF; "
          + "PERFORM pg_advisory_xact_lock(" + LATCH + "); RETURN NEW; END $$");
      s.execute("CREATE TRIGGER test_fault BEFORE UPDATE ON ledger.heads FOR EACH ROW WHEN (NEW.tenant_id IN ('"
          + refusedTenant + "', '" + cutTenant + "')) EXECUTE FUNCTION ledger.test_fault()");
    }
    try {
      KeywayException refused = failure(ledger.client.append(deposit(refusedTenant, "r1")));
      assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(refused.getMessage()).isEqualTo(LedgerVerticle.NOT_WRITTEN);

      // the test holds the latch the trigger waits on, so the batch stays held until its backend is cut
      try (Connection latch = ledger.owner(); Statement l = latch.createStatement()) {
        l.execute("SELECT pg_advisory_lock(" + LATCH + ")");
        Future<AppendResult> cut = ledger.client.append(deposit(cutTenant, "c1"));
        Eventually.holds(30_000, "the batch and its COMMIT sent, held by the trigger", () -> backends(ledger, HELD) == 1);
        assertThat(ledger.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + HELD)).hasSize(1);
        KeywayException unknown = failure(cut);
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(unknown.getMessage()).isEqualTo(LedgerVerticle.OUTCOME_UNKNOWN).doesNotContain("nothing was written");
      }
    } finally {
      try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER test_fault ON ledger.heads");
        s.execute("DROP FUNCTION ledger.test_fault()");
      }
    }
    // both chains write once the fault is gone: the cut batch rolled back with its backend, so seq 1 is free
    for (UUID tenant : List.of(refusedTenant, cutTenant)) {
      assertThat(ledger.client.append(deposit(tenant, "again")).await().seq()).isEqualTo(1);
    }

    // cut while its first round trip waits for the head, which the owner holds: the COMMIT never went out
    UUID earlyTenant = UUID.randomUUID();
    assertThat(ledger.client.append(deposit(earlyTenant, "e1")).await().seq()).isEqualTo(1);
    try (Connection owner = ledger.owner()) {
      owner.setAutoCommit(false);
      LedgerFixture.execute(owner, "SELECT 1 FROM ledger.heads WHERE tenant_id = ? FOR UPDATE", earlyTenant);
      Future<AppendResult> early = ledger.client.append(deposit(earlyTenant, "e2"));
      Eventually.holds(30_000, "the batch waits for the head lock", () -> backends(ledger, LOCKED) == 1);
      assertThat(ledger.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + LOCKED)).hasSize(1);
      KeywayException cutEarly = failure(early);
      assertThat(cutEarly.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(cutEarly.getMessage()).isEqualTo(LedgerVerticle.NOT_WRITTEN);
      owner.rollback();
    }
    assertThat(ledger.client.append(deposit(earlyTenant, "e3")).await().seq()).isEqualTo(2);
    ledger.close();
  }

  private static AppendRequest deposit(UUID tenant, String key) {
    return new CapitalFlow(CapitalFlow.Type.DEPOSIT, UUID.randomUUID(), null, new BigDecimal("5.00"), "USD", null)
        .toAppend(tenant, "admin", key, "ab".repeat(32));
  }

  /** The advisory lock (single-key form, apart from the ledger's two-key ones) the test trigger waits on. */
  private static final long LATCH = 7_357_001L;
  /** The ledger's backend held by the test trigger at the latch, and the one waiting for a row lock. */
  private static final String HELD = "pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
      + "AND objsubid = 1 AND classid = 0 AND objid = " + LATCH + ")";
  private static final String LOCKED = "wait_event_type = 'Lock' AND query LIKE '%ledger.heads%'";

  private static long backends(LedgerFixture ledger, String where) {
    try {
      return ledger.count("SELECT count(*) FROM pg_stat_activity WHERE " + where);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeywayException failure(Future<AppendResult> append) {
    Future<AppendResult> settled = append.otherwiseEmpty().map(x -> null);
    settled.await();
    assertThat(append.failed()).as("the append failed").isTrue();
    assertThat(append.cause()).isInstanceOf(KeywayException.class);
    return (KeywayException) append.cause();
  }
}

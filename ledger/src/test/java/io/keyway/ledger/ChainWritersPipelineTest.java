package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelined group commit against a real PostgreSQL: batches of small size so several are in flight,
 * and a batch the database refuses in the middle of them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainWritersPipelineTest {
  private static final int APPENDS = 120;
  private static final int FAILING = 45;
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
  @DisplayName("a batch the database refuses fails only its own appends; the batches pipelined behind it are written again, in order, and the chain verifies")
  void failedBatchInThePipeline() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION ledger.test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$");
      s.execute("CREATE TRIGGER test_refuse BEFORE INSERT ON ledger.entries FOR EACH ROW "
          + "WHEN (NEW.kind = 'test.refused') EXECUTE FUNCTION ledger.test_refuse()");
    }
    try {
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 0; i < APPENDS; i++) {
        requests.add(AppendRequest.record(tenant, i == FAILING ? "test.refused" : "auth.login", "user:" + user,
            "user:" + user, user, new JsonObject().put("i", i)));
      }
      List<Future<AppendResult>> answers = submitAll(requests);
      Future.join(answers).otherwiseEmpty().await();

      assertThat(answers.get(FAILING).failed()).as("the refused append").isTrue();
      List<Integer> failed = new ArrayList<>();
      long lastSeq = 0;
      for (int i = 0; i < APPENDS; i++) {
        if (answers.get(i).failed()) {
          failed.add(i);
          continue;
        }
        long seq = answers.get(i).result().seq();
        assertThat(seq).as("seq of append %d, answered in submission order", i).isEqualTo(lastSeq + 1);
        lastSeq = seq;
      }
      // batches hold at most 10: only the refused append's own batch failed, every other was written
      assertThat(failed).hasSizeLessThanOrEqualTo(10).contains(FAILING);
      assertThat(failed.get(failed.size() - 1) - failed.get(0)).isEqualTo(failed.size() - 1);
      assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ?", tenant))
          .isEqualTo(APPENDS - failed.size());
      ledger.signNow(tenant);
      VerifyReport report = ledger.verify(tenant);
      assertThat(report.ok()).isTrue();
      assertThat(report.headSeq()).isEqualTo(APPENDS - failed.size());
    } finally {
      try (Connection c = ledger.owner(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER test_refuse ON ledger.entries");
        s.execute("DROP FUNCTION ledger.test_refuse()");
      }
    }
  }

  /** Submits every request on one event loop, as the verticle does, at once. */
  private static List<Future<AppendResult>> submitAll(List<AppendRequest> requests) {
    Context context = ledger.vertx.getOrCreateContext();
    Promise<List<Future<AppendResult>>> submitted = Promise.promise();
    context.runOnContext(x -> {
      ChainWriters writers = new ChainWriters(new LedgerStore(ledger.scope), 10, 2, plan -> {});
      submitted.complete(requests.stream().map(writers::submit).toList());
    });
    return submitted.future().await();
  }
}

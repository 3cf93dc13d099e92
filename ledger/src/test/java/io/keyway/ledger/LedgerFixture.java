package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.TenantScope;
import io.keyway.config.db.TestPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * A migrated database of its own with a {@link LedgerVerticle} deployed on it, and what the tests
 * need around that: the real client on the event bus, checkpoints, the verifier as the runtime
 * role, and plain JDBC as the table owner to inspect and to tamper.
 */
final class LedgerFixture {
  /** An append's answer: the result, or why it was refused. */
  record Answer(AppendRequest request, AppendResult result, Throwable failure) {}

  /** Work done as the table owner inside one transaction. */
  @FunctionalInterface
  interface OwnerWork {
    void run(Connection owner) throws SQLException;
  }

  final Vertx vertx;
  final TestPostgres.TestDatabase db;
  final Pool pool;
  final TenantScope scope;
  final CheckpointSigner signer = new CheckpointSigner(TestPostgres.MASTER_KEY);
  final Checkpoints checkpoints;
  final LedgerClient client;
  private String deployment;

  private LedgerFixture(Vertx vertx) {
    this.vertx = vertx;
    this.db = TestPostgres.freshDatabase();
    this.pool = db.appPool(vertx);
    this.scope = new TenantScope(pool);
    this.checkpoints = new Checkpoints(scope, signer);
    this.client = new LedgerClient(vertx);
  }

  /** A fresh database with one ledger verticle deployed on {@code vertx} (blocks: not on an event loop). */
  static LedgerFixture deploy(Vertx vertx) {
    LedgerFixture f = new LedgerFixture(vertx);
    f.deployment = f.vertx.deployVerticle(f.newVerticle()).await();
    return f;
  }

  /** A fresh database with the node's ledger deployed on {@code vertx}: one writer per ledger loop ({@link LedgerVerticle#deploy}). */
  static LedgerFixture deployLoops(Vertx vertx) {
    LedgerFixture f = new LedgerFixture(vertx);
    f.deployment = LedgerVerticle.deploy(vertx, f.scope, f.checkpoints, Duration.ofHours(1)).await();
    return f;
  }

  LedgerVerticle newVerticle() {
    return new LedgerVerticle(scope, checkpoints, Duration.ofHours(1));
  }

  /** Deploys {@code n} more ledger verticles (more writers racing on the same chains); undeploy the id after. */
  String deployWriters(int n) {
    return vertx.deployVerticle(this::newVerticle, new DeploymentOptions().setInstances(n)).await();
  }

  /** Appends all of {@code requests} at once and waits for every answer. */
  List<Answer> appendAll(List<AppendRequest> requests) {
    List<Future<AppendResult>> futures = requests.stream().map(client::append).toList();
    Future.join(futures).otherwiseEmpty().await();
    List<Answer> answers = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      Future<AppendResult> f = futures.get(i);
      answers.add(new Answer(requests.get(i), f.result(), f.cause()));
    }
    return answers;
  }

  /** {@code n} entries on a new chain of {@code tenant}: every third a deposit (with postings), the rest audit records. */
  List<AppendResult> seed(UUID tenant, UUID user, int n) {
    List<AppendRequest> requests = IntStream.rangeClosed(1, n).mapToObj(i -> i % 3 == 0
        ? new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal(i + ".25"), "USD", "seed-" + i)
            .toAppend(tenant, "admin", null, null)
        : AppendRequest.record(tenant, "auth.login", "user:" + user, "user:" + user, user,
            new JsonObject().put("note", "seed-" + i)))
        .toList();
    List<AppendResult> results = new ArrayList<>();
    for (Answer a : appendAll(requests)) {
      assertThat(a.failure()).as("seed append").isNull();
      results.add(a.result());
    }
    return results;
  }

  Checkpoint signNow(UUID tenant) {
    return checkpoints.signNow(tenant).await().orElseThrow();
  }

  /** The verifier as the gateway runs it: runtime role, newest checkpoint. */
  VerifyReport verify(UUID tenant) throws SQLException {
    return new LedgerVerifier(db.app(), signer).verify(tenant, checkpoints.newest(tenant).await());
  }

  /**
   * As the table owner, in one transaction: the append-only triggers are lifted (they are ALWAYS,
   * so only disabling them does it), and put back as ALWAYS before the commit.
   */
  void tamper(OwnerWork work) throws SQLException {
    try (Connection c = owner()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL session_replication_role = replica");
        s.execute("ALTER TABLE ledger.blocks DISABLE TRIGGER blocks_append_only");
        s.execute("ALTER TABLE ledger.idempotency_keys DISABLE TRIGGER idempotency_keys_append_only");
        work.run(c);
        s.execute("ALTER TABLE ledger.blocks ENABLE ALWAYS TRIGGER blocks_append_only");
        s.execute("ALTER TABLE ledger.idempotency_keys ENABLE ALWAYS TRIGGER idempotency_keys_append_only");
      }
      c.commit();
    }
    assertThat(query("SELECT count(*) FROM pg_trigger WHERE tgname IN ('blocks_append_only', "
        + "'idempotency_keys_append_only') AND tgenabled = 'A'").get(0)[0])
        .as("append-only triggers restored as ALWAYS").isEqualTo(2L);
  }

  /**
   * Inside {@link #tamper}: the tenant's entries, one row each (the {@code ledger.entries} view's
   * columns), into the temporary table {@code chain}, and the tenant's blocks deleted. Edit
   * {@code chain} with SQL, then {@link #storeBack} it.
   */
  static void takeOut(Connection c, UUID tenant) throws SQLException {
    execute(c, "CREATE TEMP TABLE chain ON COMMIT DROP AS SELECT * FROM ledger.entries WHERE tenant_id = ?", tenant);
    execute(c, "DELETE FROM ledger.blocks WHERE tenant_id = ?", tenant);
  }

  /**
   * The {@code chain} table stored as blocks again, one block from each of {@code starts} (ascending,
   * the first at most the lowest seq) to the next: each block's prev_hash is its first row's, its
   * last seq its first plus its length less one, its arrays the rows in seq order.
   */
  static void storeBack(Connection c, long... starts) throws SQLException {
    String bounds = java.util.Arrays.stream(starts).mapToObj(Long::toString)
        .collect(java.util.stream.Collectors.joining(",", "ARRAY[", "]::bigint[]"));
    execute(c, "INSERT INTO ledger.blocks (tenant_id, first_seq, last_seq, prev_hash, hashes, canonicals, created_ats, "
        + "kinds, user_ids, account_ids) SELECT tenant_id, min(seq), min(seq) + count(*) - 1, "
        + "(array_agg(prev_hash ORDER BY seq))[1], string_agg(hash, ''::bytea ORDER BY seq), "
        + "array_agg(canonical ORDER BY seq), array_agg(created_at ORDER BY seq), array_agg(kind ORDER BY seq), "
        + "array_agg(user_id ORDER BY seq), array_agg(account_id ORDER BY seq) "
        + "FROM chain GROUP BY tenant_id, width_bucket(seq, " + bounds + ")");
  }

  Connection owner() throws SQLException {
    return DatabaseBootstrap.connect(db.admin());
  }

  /** Rows as the owner (sees every tenant). */
  List<Object[]> query(String sql, Object... args) throws SQLException {
    try (Connection c = owner(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Object[]> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Object[] row = new Object[n];
          for (int i = 0; i < n; i++) {
            row[i] = rs.getObject(i + 1);
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  long count(String sql, Object... args) throws SQLException {
    return ((Number) query(sql, args).get(0)[0]).longValue();
  }

  /** Runs one statement; answers the rows it changed (-1 for a query). */
  static int execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.execute() ? -1 : ps.getUpdateCount();
    }
  }

  /** Undeploys the writer (it signs what moved) before closing the pool it writes with. */
  void close() {
    vertx.undeploy(deployment).await();
    pool.close().await();
  }
}

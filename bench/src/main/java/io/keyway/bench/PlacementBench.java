package io.keyway.bench;

import io.keyway.config.DbUrl;
import io.keyway.config.SecretBytes;
import io.keyway.config.db.AppPool;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.engine.account.AccountStore;
import io.keyway.engine.placement.Lease;
import io.keyway.engine.placement.LeaseStore;
import io.keyway.engine.placement.PlacementLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Benchmark of engine placement when nothing changes: one node's {@link PlacementLoop} holding
 * every one of {@code accounts} accounts, a round a second (as {@code PlacementVerticle} runs it),
 * with no node joining or leaving and no account created. It measures what such a quiet round
 * costs: the CPU of this JVM and of this run's PostgreSQL (from /proc, per round), the round's
 * wall time, the transactions the database committed per round and the lease rows it updated per
 * second ({@code pg_stat_database}, {@code pg_stat_user_tables}; PostgreSQL publishes these with a
 * delay of up to a second or so, which a 30 s window makes small; the meter's own queries count too). The accounts are rows of the
 * account directory that {@code engine.all_accounts()} reads, so a full read decodes as many rows
 * as a real node would. The engines are no-ops: only placement is measured.
 *
 * <p>Only this package's CPU meter and the placement classes' constructors are used, so the same
 * file runs against an older build (for a before/after in one sitting). Properties ({@code
 * -Dkeyway.bench.placement.<name>}): {@code accounts} (10000), {@code warmupSeconds} (10), {@code
 * measureSeconds} (30). Exit status 0, or 2 when the run could not be set up.
 */
public final class PlacementBench {
  private static final String PREFIX = "keyway.bench.placement.";
  private static final String DATABASE = "keyway_placement_bench";
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final Duration ROUND = Duration.ofSeconds(1);
  private static final Duration TTL = Duration.ofSeconds(8);
  private static final String NODE = "bench-node";
  /** The target (issue #6): a quiet round updates no lease row and sends about one statement. */
  private static final double TARGET_TRANSACTIONS_PER_ROUND = 1.5;

  private PlacementBench() {}

  public static void main(String[] args) {
    BenchLogging.runThenExit(serverLog -> {
      run(SystemProperties.intProperty(PREFIX + "accounts", 10_000, 1, 1_000_000),
          SystemProperties.intProperty(PREFIX + "warmupSeconds", 10, 1, 3600),
          SystemProperties.intProperty(PREFIX + "measureSeconds", 30, 1, 3600), System.out);
      return 0;
    });
  }

  static void run(int accounts, int warmupSeconds, int measureSeconds, PrintStream out) throws Exception {
    out.println("Keyway placement benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", load average " + String.format(Locale.ROOT, "%.2f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startEphemeral()) {
      DbUrl admin = postgres.superuserUrl(DATABASE);
      DatabaseBootstrap.ensureDatabase(admin);
      DatabaseBootstrap.migrate(admin, new SecretBytes(key));
      Pool pool = AppPool.create(vertx, DatabaseBootstrap.appUrl(admin, new SecretBytes(key)), 4);
      try (Connection stats = DatabaseBootstrap.connect(admin); Statement s = stats.createStatement()) {
        s.executeUpdate("INSERT INTO engine.account_directory (account_id, tenant_id, status) "
            + "SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((i % 100)::text, 12, '0'))::uuid, 'active' "
            + "FROM generate_series(1, " + accounts + ") AS i");
        AtomicInteger running = new AtomicInteger();
        PlacementLoop loop = new PlacementLoop(NODE, new LeaseStore(pool, TTL, TTL.dividedBy(4)),
            () -> pool.query("SELECT account_id, tenant_id, status FROM engine.all_accounts()").execute().map(rows -> {
              List<AccountStore.Located> out2 = new ArrayList<>();
              rows.forEach(r -> out2.add(new AccountStore.Located(r.getUUID("account_id"), r.getUUID("tenant_id"),
                  r.getString("status"))));
              return out2;
            }), new PlacementLoop.Engines() {
              @Override
              public Future<Void> start(UUID tenantId, Lease lease) {
                running.incrementAndGet();
                return Future.succeededFuture();
              }

              @Override
              public Future<Void> stop(UUID accountId) {
                running.decrementAndGet();
                return Future.succeededFuture();
              }
            });
        Context context = vertx.getOrCreateContext();
        String loopThread = Await.result(onContext(context), LIMIT);
        Rounds rounds = new Rounds(context, loop);
        rounds.start();
        Thread.sleep(warmupSeconds * 1000L);
        if (running.get() != accounts) {
          throw new IllegalStateException("after the warm-up " + running.get() + " of " + accounts + " engines run here");
        }
        VaultCpuMeter meter = VaultCpuMeter.onThisMachine(postgres.port(), loopThread, loopThread)
            .orElseThrow(() -> new IllegalStateException("the CPU meter needs Linux's /proc"));
        long[] before = counters(s);
        VaultCpuMeter.Reading from = meter.read();
        rounds.measure();
        Thread.sleep(measureSeconds * 1000L);
        Histogram wall = rounds.stop();
        VaultCpuMeter.Reading to = meter.read();
        Thread.sleep(1500); // PostgreSQL publishes its counters a little late
        long[] after = counters(s);
        VaultCpuMeter.Usage u = VaultCpuMeter.between(from, to);
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        long n = wall.getTotalCount();
        double perRound = seconds / Math.max(1, n);
        double cpuMs = (u.jvm() + u.postgres()) * perRound * 1000;
        out.printf(Locale.ROOT, "accounts %d, held here %d, measured %.1f s, %d rounds%n", accounts, running.get(),
            seconds, n);
        double transactions = (after[0] - before[0]) / (double) Math.max(1, n);
        out.println("| rounds | round p50 ms | round max ms | JVM cores | event loops cores | PostgreSQL cores "
            + "| CPU ms per round (JVM + PostgreSQL) | event-loop ms per round | transactions per round "
            + "| lease rows updated per s | other load (cores) |");
        out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %.0f | %.2f |%n", n,
            wall.getValueAtPercentile(50) / 1000.0, wall.getMaxValue() / 1000.0, u.jvm(), u.vaultLoop() + u.otherLoops(),
            u.postgres(), cpuMs, (u.vaultLoop() + u.otherLoops()) * perRound * 1000, transactions,
            (after[1] - before[1]) / seconds, u.others());
        out.printf(Locale.ROOT, "target: a quiet round updates no lease row and sends about one statement "
            + "(at most %.1f transactions a round, the periodic full read included): %s%n", TARGET_TRANSACTIONS_PER_ROUND,
            after[1] == before[1] && transactions <= TARGET_TRANSACTIONS_PER_ROUND ? "met" : "NOT met");
      } finally {
        Await.stopped(pool.close(), LIMIT, "the pool");
      }
    } finally {
      Await.stopped(vertx.close(), LIMIT, "Vert.x");
    }
  }

  private static Future<String> onContext(Context context) {
    Promise<String> name = Promise.promise();
    context.runOnContext(x -> name.complete(Thread.currentThread().getName()));
    return name.future();
  }

  /** Committed transactions of the bench database, and row updates of engine.leases, so far. */
  private static long[] counters(Statement s) throws Exception {
    long commits;
    try (ResultSet r = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      r.next();
      commits = r.getLong(1);
    }
    try (ResultSet r = s.executeQuery("SELECT n_tup_upd FROM pg_stat_user_tables "
        + "WHERE schemaname = 'engine' AND relname = 'leases'")) {
      r.next();
      return new long[] {commits, r.getLong(1)};
    }
  }

  /** Runs a round a second on one context, one at a time, and times the rounds while measuring. */
  private static final class Rounds {
    private final Context context;
    private final PlacementLoop loop;
    private final Histogram micros = new Histogram(60_000_000L, 3);
    private volatile boolean measuring;
    private volatile boolean stopped;

    Rounds(Context context, PlacementLoop loop) {
      this.context = context;
      this.loop = loop;
    }

    void start() {
      context.runOnContext(x -> next());
    }

    private void next() {
      if (stopped) {
        return;
      }
      long begun = System.nanoTime();
      loop.round().onComplete(x -> {
        if (measuring) {
          synchronized (micros) {
            micros.recordValue(Math.max(1, (System.nanoTime() - begun) / 1000));
          }
        }
        long wait = Math.max(1, ROUND.toMillis() - (System.nanoTime() - begun) / 1_000_000);
        context.owner().setTimer(wait, id -> next());
      });
    }

    void measure() {
      measuring = true;
    }

    Histogram stop() {
      measuring = false;
      stopped = true;
      synchronized (micros) {
        return micros.copy();
      }
    }
  }
}

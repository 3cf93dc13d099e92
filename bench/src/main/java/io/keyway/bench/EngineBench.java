package io.keyway.bench;

import com.sun.management.OperatingSystemMXBean;
import io.keyway.config.ConfigKeys;
import io.keyway.config.ConfigLoader;
import io.keyway.config.DbUrl;
import io.keyway.config.KeywayConfig;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.engine.EngineAddresses;
import io.keyway.engine.StreamAddresses;
import io.keyway.engine.account.AccountSpec;
import io.keyway.gateway.Node;
import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.identity.NewUser;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.identity.UserRow;
import io.keyway.ledger.CapitalFlow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Benchmark of the account engines: a real node (in this process, on a throw-away embedded
 * PostgreSQL) with sim accounts ticking once a second, each holding a position (a DCA strategy that
 * buys once, at its first tick, then holds), so every tick changes its equity and publishes a
 * balance. A consumer of {@code stream.tenant.<id>} measures tick start ({@code asOf}, the instant
 * the tick began) to balance event received; the process CPU is its CPU time over wall time; the
 * database's committed transactions per tick come from {@code pg_stat_database}. First a small
 * phase (the baseline), then more accounts are added for the large phase, in the same run.
 *
 * <p>Properties: {@code keyway.bench.engine.small} (100), {@code .large} (1000), {@code
 * .warmupSeconds} (20), {@code .measureSeconds} (30), {@code .accountsPerUser} (10), {@code
 * .accountsPerTenant} (100). Exit status 0, or 2 when the run could not be set up.
 */
public final class EngineBench {
  private static final String PREFIX = "keyway.bench.engine.";
  private static final String DATABASE = "keyway_engine_bench";
  private static final Duration LIMIT = Duration.ofMinutes(3);

  private EngineBench() {}

  /** The run's shape. */
  record Settings(int small, int large, int warmupSeconds, int measureSeconds, int accountsPerUser, int accountsPerTenant) {
    static Settings fromSystemProperties() {
      int small = SystemProperties.intProperty(PREFIX + "small", 100, 1, 100_000);
      return new Settings(small, SystemProperties.intProperty(PREFIX + "large", 1000, small, 100_000),
          SystemProperties.intProperty(PREFIX + "warmupSeconds", 20, 1, 3600),
          SystemProperties.intProperty(PREFIX + "measureSeconds", 30, 1, 3600),
          SystemProperties.intProperty(PREFIX + "accountsPerUser", 10, 1, 100_000),
          SystemProperties.intProperty(PREFIX + "accountsPerTenant", 100, 1, 100_000));
    }
  }

  /** What one phase measured. */
  record Phase(int accounts, double seconds, int events, long ticks, double cpuCores, long commits, long p50Micros,
      long p99Micros, long maxMicros) {
    double commitsPerTick() {
      return ticks == 0 ? 0 : (double) commits / ticks;
    }
  }

  public static void main(String[] args) {
    BenchLogging.runThenExit(serverLog -> {
      run(Settings.fromSystemProperties(), serverLog, System.out);
      return 0;
    });
  }

  static void run(Settings s, Path serverLog, PrintStream out) throws Exception {
    out.println("Keyway engine benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.println("server log: " + serverLog);
    Path dataDir = Files.createTempDirectory("keyway-engine-bench-");
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startEphemeral()) {
      DbUrl admin = postgres.superuserUrl(DATABASE);
      DatabaseBootstrap.ensureDatabase(admin);
      KeywayConfig config = ConfigLoader.load(environment(admin, dataDir), Optional.empty());
      Node node = Await.result(Node.start(config), LIMIT);
      try (Connection stats = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password())) {
        Fleet fleet = new Fleet(node, s);
        out.printf(Locale.ROOT, "plan: sim accounts (dca: 100 USD of AAPL once, then hold), tick 1 s; %d accounts per "
                + "user, %d per tenant; per phase %d s warm-up, %d s measured%n%n", s.accountsPerUser(),
            s.accountsPerTenant(), s.warmupSeconds(), s.measureSeconds());
        List<Phase> phases = new ArrayList<>();
        for (int target : new int[] {s.small(), s.large()}) {
          fleet.growTo(target);
          Thread.sleep(s.warmupSeconds() * 1000L);
          phases.add(fleet.measure(stats, s.measureSeconds()));
        }
        print(out, phases);
      } finally {
        Await.stopped(node.stop(), LIMIT, "the node");
      }
    } finally {
      try (var paths = Files.walk(dataDir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Map<String, String> environment(DbUrl admin, Path dataDir) {
    Map<String, String> env = new java.util.HashMap<>(GatewayUnderTest.nodeEnvironment(admin, dataDir));
    env.put(ConfigKeys.ENGINE_TICK_MILLIS, "1000");
    return env;
  }


  /** The accounts, their owners and tenants, and the stream consumer that measures. */
  private static final class Fleet {
    private final Node node;
    private final GatewayServices services;
    private final Settings settings;
    private final List<UUID> accounts = new ArrayList<>();
    private final Set<UUID> followed = new HashSet<>();
    private UUID tenant;
    private UserRow owner;
    private volatile boolean measuring;
    private long[] latencies = new long[1 << 16];
    private int count;

    Fleet(Node node, Settings settings) {
      this.node = node;
      this.services = node.services();
      this.settings = settings;
    }

    /** Creates, funds and announces accounts until there are {@code target}. */
    void growTo(int target) throws Exception {
      while (accounts.size() < target) {
        int n = accounts.size();
        if (n % settings.accountsPerUser() == 0) {
          String tenantName = "bench-" + (n / settings.accountsPerTenant());
          NewUser user = new NewUser("owner" + n + "@engine.bench", "Bench", Role.OPERATOR,
              Optional.of("engine-bench-" + UUID.randomUUID()), false);
          owner = Await.result(services.users().createInTenantNamed(tenantName, user), LIMIT).user();
          tenant = owner.tenantId();
          follow(tenant);
          BigDecimal funds = BigDecimal.valueOf(1000L * settings.accountsPerUser());
          Await.result(flow(CapitalFlow.Type.DEPOSIT, null, funds), LIMIT);
        }
        int batch = Math.min(settings.accountsPerUser() - n % settings.accountsPerUser(), target - n);
        List<Future<UUID>> created = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          created.add(account("bench-" + (n + i)));
        }
        for (Future<UUID> f : created) {
          accounts.add(Await.result(f, LIMIT));
        }
      }
    }

    private Future<UUID> account(String name) {
      JsonObject body = new JsonObject().put("name", name).put("venue", "sim").put("kind", "paper")
          .put("ownerUserId", owner.id().toString())
          .put("strategy", new JsonObject().put("type", "dca").put("params", new JsonObject().put("symbol", "AAPL")
              .put("notional", "100").put("everySeconds", 86_400)))
          .put("risk", new JsonObject().put("maxOrderUsd", "1000").put("dailyCapUsd", "5000").put("allowLive", false)
              .put("approvalOverUsd", "500"));
      UUID t = tenant;
      return services.accounts().create(t, AccountSpec.parse(body, true))
          .compose(a -> flow(CapitalFlow.Type.ALLOCATE, a.id(), new BigDecimal("1000")).map(a.id()))
          .onSuccess(id -> services.engines().accountChanged(t, id));
    }

    private Future<Void> flow(CapitalFlow.Type type, UUID accountId, BigDecimal amount) {
      CapitalFlow flow = new CapitalFlow(type, owner.id(), accountId, amount, "USD", "engine benchmark");
      return services.ledger().append(flow.toAppend(tenant, "bench", null, null)).mapEmpty();
    }

    private void follow(UUID tenantId) {
      if (!followed.add(tenantId)) {
        return;
      }
      node.vertx().eventBus().<JsonObject>consumer(StreamAddresses.tenant(tenantId), m -> {
        if (measuring && "balance".equals(m.body().getString("type"))) {
          long micros = ChronoUnit.MICROS.between(Instant.parse(m.body().getString("asOf")), Instant.now());
          record(micros);
        }
      });
    }

    private synchronized void record(long micros) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = micros;
    }

    Phase measure(Connection stats, int seconds) throws Exception {
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long ticks0 = ticks();
      long commits0 = commits(stats);
      synchronized (this) {
        count = 0;
      }
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      measuring = true;
      Thread.sleep(seconds * 1000L);
      measuring = false;
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      long commits = commits(stats) - commits0;
      long ticks = ticks() - ticks0;
      long[] sorted;
      synchronized (this) {
        sorted = Arrays.copyOf(latencies, count);
      }
      Arrays.sort(sorted);
      return new Phase(accounts.size(), wall / 1e9, sorted.length, ticks, (double) cpu / wall, commits,
          percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    /** The sum of the ticks every engine has completed (each engine's {@code status} command). */
    private long ticks() throws Exception {
      List<Future<Long>> all = accounts.stream().map(id -> node.vertx().eventBus()
          .<JsonObject>request(EngineAddresses.command(id), new JsonObject().put("op", "status"))
          .map(m -> m.body().getLong("ticks"))).toList();
      long sum = 0;
      for (Future<Long> f : all) {
        sum += Await.result(f, LIMIT);
      }
      return sum;
    }

    private static long commits(Connection stats) throws Exception {
      try (var st = stats.createStatement();
          ResultSet r = st.executeQuery("SELECT pg_stat_clear_snapshot(), xact_commit FROM pg_stat_database "
              + "WHERE datname = current_database()")) {
        r.next();
        return r.getLong(2);
      }
    }

    private static long percentile(long[] sorted, double p) {
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
  }

  private static void print(PrintStream out, List<Phase> phases) {
    out.println("| accounts | measured s | balance events | engine ticks | p50 ms | p99 ms | max ms | process CPU (cores) "
        + "| DB commits per tick |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Phase p : phases) {
      out.printf(Locale.ROOT, "| %,d | %.1f | %,d | %,d | %.2f | %.2f | %.2f | %.3f | %.3f |%n", p.accounts(), p.seconds(),
          p.events(), p.ticks(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0, p.maxMicros() / 1000.0, p.cpuCores(),
          p.commitsPerTick());
    }
    if (phases.size() == 2) {
      Phase small = phases.get(0);
      Phase large = phases.get(1);
      out.printf(Locale.ROOT, "%nratio %,d / %,d accounts: CPU x%.2f, p50 x%.2f, p99 x%.2f%n", large.accounts(),
          small.accounts(), large.cpuCores() / small.cpuCores(), (double) large.p50Micros() / Math.max(1, small.p50Micros()),
          (double) large.p99Micros() / Math.max(1, small.p99Micros()));
    }
  }
}

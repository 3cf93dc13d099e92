package io.keyway.gateway.cli;

import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.ledger.VerifyReport;
import io.vertx.sqlclient.Row;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** {@code keyway ledger verify [--tenant NAME]}: checks every chain (or one) against its checkpoint. */
final class LedgerCommand {
  private static final String HELP = """
      Usage: keyway ledger verify [--tenant NAME] [--config FILE]

      Verifies the hash chain of every tenant (or of NAME) against its newest signed checkpoint.
      Exits 0 when every chain is intact, 1 when any is not.
      """;

  private LedgerCommand() {}

  static int run(Deque<String> args, PrintStream out, PrintStream err) throws Exception {
    if (Options.wantsHelp(args)) {
      out.print(HELP);
      return Keyway.EXIT_OK;
    }
    String sub = args.poll();
    if (!"verify".equals(sub)) {
      throw new UsageException("expected 'ledger verify' (try --help)");
    }
    Options o = Options.parse(args, List.of("--tenant", "--config"), List.of());
    if (!o.positional().isEmpty()) {
      throw new UsageException("unexpected argument " + o.positional().get(0));
    }
    KeywayConfig config = ConfigLoader.load(Keyway.configFile(o));
    try (AdminRuntime runtime = AdminRuntime.open(config)) {
      List<Row> tenants = new ArrayList<>();
      runtime.await(runtime.scope.unscoped(c -> c.query("SELECT tenant_id, name FROM identity.tenant_ids()").execute()))
          .forEach(tenants::add);
      String only = o.value("--tenant").map(n -> n.toLowerCase(Locale.ROOT)).orElse(null);
      tenants.removeIf(r -> only != null && !r.getString("name").equals(only));
      if (only != null && tenants.isEmpty()) {
        err.println("keyway ledger verify: no tenant named '" + o.value("--tenant").get() + "'");
        return Keyway.EXIT_FAILED;
      }
      boolean allOk = true;
      for (Row t : tenants) {
        UUID id = t.getUUID("tenant_id");
        VerifyReport r = runtime.verifier().verify(id, runtime.await(runtime.checkpoints.newest(id)));
        allOk &= r.ok();
        out.println(t.getString("name") + ": " + (r.ok() ? "ok" : "BROKEN") + ", " + r.entries() + " entries, head seq "
            + r.headSeq() + ", " + r.elapsedMs() + " ms" + (r.ok() ? "" : ", first bad seq " + r.firstBadSeq()
            + ": " + r.problem()));
      }
      return allOk ? Keyway.EXIT_OK : Keyway.EXIT_FAILED;
    }
  }
}

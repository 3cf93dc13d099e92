package io.keyway.gateway.cli;

import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.config.MasterKeyFormat;
import io.keyway.ledger.CheckpointSigner;
import io.keyway.ledger.Checkpoints;
import io.keyway.ledger.VerifyReport;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.MasterKey;
import io.keyway.vault.MasterKeyRotation;
import io.vertx.sqlclient.Row;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * {@code keyway vault rewrap --new-key KEY}: moves every credential to a new master key, re-signs
 * each ledger head with the key derived from it (after verifying the chain under the old one), and
 * retires the old key.
 */
final class VaultCommand {
  private static final String HELP = """
      Usage: keyway vault rewrap --new-key KEY|- [--config FILE]

      Re-wraps every credential's data key under the new master key (64 hex or 44 base64
      characters; '-' reads it from standard input, which keeps it out of the process list).
      KEYWAY_MASTER_KEY must hold the current key. Safe to interrupt and run again. When every
      credential has moved, each ledger chain is verified and its head re-signed, and the old key
      is retired: restart every node with the new key.
      """;

  private VaultCommand() {}

  static int run(Deque<String> args, PrintStream out, PrintStream err) throws Exception {
    if (Options.wantsHelp(args)) {
      out.print(HELP);
      return Keyway.EXIT_OK;
    }
    if (!"rewrap".equals(args.poll())) {
      throw new UsageException("expected 'vault rewrap' (try --help)");
    }
    Options o = Options.parse(args, List.of("--new-key", "--config"), List.of());
    String raw = o.value("--new-key").orElseThrow(() -> new UsageException("--new-key is required"));
    if (raw.equals("-")) {
      raw = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (raw == null) {
        throw new UsageException("--new-key -: nothing on standard input");
      }
    }
    var newSecret = MasterKeyFormat.parse("--new-key", raw);
    KeywayConfig config = ConfigLoader.load(Keyway.configFile(o));
    MasterKey oldKey = new MasterKey(config.masterKey());
    MasterKey newKey = new MasterKey(newSecret);
    if (oldKey.id().equals(newKey.id())) {
      throw new UsageException("--new-key is the current KEYWAY_MASTER_KEY");
    }
    try (AdminRuntime runtime = AdminRuntime.open(config)) {
      MasterKeyRotation rotation = new MasterKeyRotation(runtime.scope, new EnvelopeCipher(newKey, oldKey));
      List<Row> tenants = new ArrayList<>();
      runtime.await(runtime.scope.unscoped(c -> c.query("SELECT tenant_id, name FROM identity.tenant_ids()").execute()))
          .forEach(tenants::add);
      int moved = 0;
      for (Row t : tenants) {
        UUID tenant = t.getUUID("tenant_id");
        List<UUID> pending = runtime.await(rotation.pending(tenant));
        if (!pending.isEmpty()) {
          out.println(t.getString("name") + ": " + pending.size() + " credential(s) not yet under key " + newKey.id()
              + ": " + pending);
        }
        moved += runtime.await(rotation.rewrap(tenant, Integer.MAX_VALUE));
      }
      for (Row t : tenants) {
        List<UUID> left = runtime.await(rotation.pending(t.getUUID("tenant_id")));
        if (!left.isEmpty()) {
          err.println("keyway vault rewrap: " + t.getString("name") + " still has credentials under another key: " + left
              + "; run again");
          return Keyway.EXIT_FAILED;
        }
      }
      Checkpoints resigned = new Checkpoints(runtime.scope, new CheckpointSigner(newSecret));
      for (Row t : tenants) {
        UUID tenant = t.getUUID("tenant_id");
        VerifyReport report = runtime.verifier().verify(tenant, runtime.await(runtime.checkpoints.newest(tenant)));
        if (!report.ok()) {
          err.println("keyway vault rewrap: the ledger of " + t.getString("name") + " does not verify (first bad seq "
              + report.firstBadSeq() + ": " + report.problem() + "); its head is not re-signed and the old key is not"
              + " retired");
          return Keyway.EXIT_FAILED;
        }
        runtime.await(resigned.signNow(tenant));
      }
      runtime.await(rotation.retire(oldKey.id()));
      out.println("Re-wrapped " + moved + " credential(s) under key " + newKey.id() + "; ledger heads re-signed; key "
          + oldKey.id() + " retired. Restart every node with the new KEYWAY_MASTER_KEY now.");
      return Keyway.EXIT_OK;
    }
  }
}

package io.keyway.gateway.cli;

import io.keyway.config.ConfigException;
import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.config.MasterKeyFormat;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.Node;
import io.keyway.gateway.NodeDatabase;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code keyway} command line: {@code serve}, {@code create-user}, {@code keygen}, {@code migrate}.
 * A configuration problem exits with status 2 and one line naming the key; any other failure exits
 * with status 1 and one line.
 */
public final class Keyway {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private static final String USAGE = """
      Usage: keyway COMMAND [OPTIONS]

      Commands:
        serve        run the gateway
        create-user  create a user (and its tenant if new)
        keygen       print a fresh 32-byte master key, as hex and as base64
        migrate      apply pending database migrations and exit
        ledger       'ledger verify': check every ledger chain against its signed checkpoint
        vault        'vault rewrap --new-key KEY': move every credential to a new master key

      Run 'keyway COMMAND --help' for a command's options.
      Configuration comes from KEYWAY_* environment variables and an optional --config FILE
      of KEYWAY_*=value lines (the environment wins).
      """;

  private Keyway() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != EXIT_OK || !(args.length > 0 && args[0].equals("serve"))) {
      System.exit(code);
    }
  }

  /** Runs a command; {@code serve} returns once the node is up and keeps running in the background. */
  static int run(String[] argv, PrintStream out, PrintStream err) {
    Deque<String> args = new ArrayDeque<>(List.of(argv));
    String command = args.isEmpty() ? "--help" : args.poll();
    try {
      return switch (command) {
        case "serve" -> Serve.run(args, out, err);
        case "create-user" -> CreateUser.run(args, out, err);
        case "keygen" -> keygen(args, out);
        case "migrate" -> migrate(args, out);
        case "ledger" -> LedgerCommand.run(args, out, err);
        case "vault" -> VaultCommand.run(args, out, err);
        case "--help", "-h", "help" -> {
          out.print(USAGE);
          yield EXIT_OK;
        }
        default -> {
          err.println("keyway: unknown command '" + command + "' (try 'keyway --help')");
          yield EXIT_USAGE;
        }
      };
    } catch (UsageException e) {
      err.println("keyway " + command + ": " + e.getMessage());
      return EXIT_USAGE;
    } catch (KeywayException e) {
      err.println("keyway " + command + ": " + e.getMessage());
      return EXIT_FAILED;
    } catch (Exception e) {
      return failed(command, e, err);
    }
  }

  /**
   * A failure's exit status and one line: a configuration error exits 2 naming the key, also when it
   * comes wrapped (raised while the node deploys, it reaches us inside the start future's exception).
   */
  static int failed(String command, Exception e, PrintStream err) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException config) {
        err.println("keyway: configuration error: " + config.getMessage());
        return EXIT_USAGE;
      }
    }
    err.println("keyway " + command + ": failed: " + oneLine(e));
    return EXIT_FAILED;
  }

  private static int keygen(Deque<String> args, PrintStream out) {
    if (Options.wantsHelp(args)) {
      out.println("Usage: keyway keygen\n\nPrints a fresh random 32-byte master key for KEYWAY_MASTER_KEY, as hex and base64.");
      return EXIT_OK;
    }
    Options.parse(args, List.of(), List.of());
    byte[] key = new byte[MasterKeyFormat.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    out.println("hex:    " + MasterKeyFormat.hex(key));
    out.println("base64: " + MasterKeyFormat.base64(key));
    java.util.Arrays.fill(key, (byte) 0);
    return EXIT_OK;
  }

  private static int migrate(Deque<String> args, PrintStream out) throws Exception {
    if (Options.wantsHelp(args)) {
      out.println("Usage: keyway migrate [--config FILE]\n\nApplies every pending migration, then exits.");
      return EXIT_OK;
    }
    Options o = Options.parse(args, List.of("--config"), List.of());
    KeywayConfig config = ConfigLoader.load(o.value("--config").map(Path::of));
    try (NodeDatabase db = NodeDatabase.open(config)) {
      out.println("Migrations applied.");
    }
    return EXIT_OK;
  }

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return msg.lines().findFirst().orElse(msg);
  }

  /** Waits for a node to stop on SIGTERM or Ctrl-C. */
  static void stopOnShutdown(Node node) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("keyway: shutdown was not clean: " + oneLine(e));
      }
    }, "keyway-shutdown"));
  }

  static Optional<Path> configFile(Options o) {
    return o.value("--config").map(Path::of);
  }
}

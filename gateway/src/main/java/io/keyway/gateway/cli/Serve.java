package io.keyway.gateway.cli;

import io.keyway.config.ConfigException;
import io.keyway.config.ConfigKeys;
import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.gateway.Node;
import io.keyway.gateway.http.OriginPolicy;
import java.io.PrintStream;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code keyway serve}. */
final class Serve {
  private static final String HELP = """
      Usage: keyway serve [--config FILE] [--cluster] [--instances N] [--print-config]

        --config FILE    read KEYWAY_*=value lines from FILE (the environment still wins)
        --cluster        join the cluster named by KEYWAY_CLUSTER_MEMBERS
        --instances N    run N HTTP verticle instances (default KEYWAY_INSTANCES, 1)
        --print-config   print the effective configuration, secrets masked, and exit
      """;

  private Serve() {}

  static int run(Deque<String> args, PrintStream out, PrintStream err) throws Exception {
    if (Options.wantsHelp(args)) {
      out.print(HELP);
      return Keyway.EXIT_OK;
    }
    Options o = Options.parse(args, List.of("--config", "--instances"), List.of("--cluster", "--print-config"));
    if (!o.positional().isEmpty()) {
      throw new UsageException("unexpected argument " + o.positional().get(0));
    }
    // flags are checked before configuration is built, since building it may generate dev secrets
    Integer instances = o.value("--instances").map(Serve::instances).orElse(null);
    var layers = ConfigLoader.layers(System.getenv(), Keyway.configFile(o));
    if (o.flag("--print-config")) {
      out.print(ConfigLoader.describe(layers));
      return Keyway.EXIT_OK;
    }
    KeywayConfig config = ConfigLoader.build(layers);
    if (o.flag("--cluster")) {
      if (config.embeddedDatabase()) {
        throw new ConfigException(ConfigKeys.DB_URL, "is required with --cluster: every node shares one PostgreSQL");
      }
      if (config.profile() == io.keyway.config.Profile.PRODUCTION && config.cluster().tlsKeystore().isEmpty()) {
        // Hazelcast's open-source edition authenticates no member: in production the event bus must at
        // least be mutual TLS, and the Hazelcast port firewalled to the members (README)
        throw new ConfigException(ConfigKeys.CLUSTER_TLS_KEYSTORE,
            "is required with --cluster when KEYWAY_PROFILE=production (the event bus runs over mutual TLS)");
      }
      config = config.withCluster(true);
    }
    if (instances != null) {
      config = config.withInstances(instances);
    }
    // the HTTP verticles read the list when they deploy, where a bad entry would only fail the deployment;
    // read it here first so it stops the process as every configuration mistake does (exit 2, the key named)
    OriginPolicy.of(config.allowedOrigins());
    Node node = Node.start(config).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    Keyway.stopOnShutdown(node);
    out.println("Keyway is up on http://" + config.httpHost() + ":" + node.httpPort());
    return Keyway.EXIT_OK;
  }

  private static int instances(String raw) {
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the usage error
    }
    throw new UsageException("--instances must be a whole number from 1 to 64");
  }
}

package io.keyway.gateway;

import io.keyway.config.KeywayConfig;
import io.keyway.config.db.AppPool;
import io.keyway.config.db.TenantScope;
import io.keyway.engine.ApprovalStore;
import io.keyway.engine.EngineClient;
import io.keyway.engine.EngineContext;
import io.keyway.engine.EngineLedger;
import io.keyway.engine.EngineSupervisor;
import io.keyway.engine.account.AccountStore;
import io.keyway.engine.placement.LeaseStore;
import io.keyway.engine.order.OrderStore;
import io.keyway.engine.venue.AlpacaVenue;
import io.keyway.engine.venue.Venues;
import io.keyway.vault.VaultClient;
import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.http.HttpVerticle;
import io.keyway.gateway.identity.AccessTokens;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.gateway.identity.ApiTokens;
import io.keyway.gateway.identity.AuthService;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.LoginThrottle;
import io.keyway.gateway.identity.PasswordHasher;
import io.keyway.gateway.identity.PasswordWorkers;
import io.keyway.gateway.identity.UserAdmin;
import io.keyway.gateway.mcp.McpRateLimit;
import io.keyway.gateway.publicapi.PublicTrackRecord;
import io.keyway.ledger.CheckpointSigner;
import io.keyway.ledger.Checkpoints;
import io.keyway.ledger.LedgerClient;
import io.keyway.ledger.LedgerQueries;
import io.keyway.ledger.LedgerVerifier;
import io.keyway.ledger.LedgerVerticle;
import io.keyway.vault.CredentialStore;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.MasterKey;
import io.keyway.vault.MasterKeyRotation;
import io.keyway.vault.VaultVerticle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Keyway node. {@link #start} reads as the startup sequence: open the database, build
 * the shared services, deploy the ledger writer and the vault, subscribe the identity caches, deploy the HTTP
 * verticles. Any step that
 * fails fails the start, and what was already started is stopped again.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  /** How often engine placement beats, renews its leases and rebalances. */
  private static final java.time.Duration PLACEMENT_ROUND = java.time.Duration.ofSeconds(1);

  private final KeywayConfig config;
  private Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private NodeDatabase database;
  private Pool pool;
  private PasswordWorkers passwordWorkers;
  private GatewayServices services;
  private Checkpoints checkpoints;
  private CredentialStore credentials;
  private EngineContext engines;
  private String ledgerDeployment;
  private io.vertx.ext.web.client.WebClient webClient;
  private final AtomicInteger port = new AtomicInteger(-1);

  private Node(KeywayConfig config) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Builds Vert.x: standalone, or clustered over Hazelcast with {@code --cluster}. */
  private Future<Void> buildVertx() {
    // No per-message event-bus meters: vertx-micrometer looks a meter up for every message sent and every
    // delivery, which cost the /ws fan-out (two deliveries per stream event) about a tenth of its CPU in a
    // profile (docs/decisions/0011); the fan-out counts its own frames (keyway_ws_*).
    VertxOptions options = NodeVertx.options().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
    if (config.cluster().enabled()) {
      options.setEventBusOptions(ClusterSetup.eventBus(config.cluster()));
    }
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (!config.cluster().enabled()) {
      vertx = builder.build();
      NodeVertx.logTransport(vertx);
      return Future.succeededFuture();
    }
    return builder
        .withClusterManager(ClusterSetup.clusterManager(config.cluster()))
        .buildClustered()
        .map(v -> {
          vertx = v;
          NodeVertx.logTransport(vertx);
          LOG.info("Joined the cluster as {} ({} member(s) configured)", config.cluster().nodeId(),
              config.cluster().members().size());
          return null;
        });
  }

  /** Starts a node; the future fails (after cleaning up) if any step does. */
  public static Future<Node> start(KeywayConfig config) {
    Node node = new Node(config);
    // completed off any Vert.x context: on failure the contexts are closed before the caller hears
    CompletableFuture<Node> started = new CompletableFuture<>();
    node.buildVertx()
        .compose(v -> node.openDatabase())
        .compose(v -> node.buildServices())
        .compose(v -> MasterKeyRotation.refuseRetired(new TenantScope(node.pool), new MasterKey(config.masterKey())))
        .compose(v -> node.deployLedger())
        .compose(v -> node.deployVault())
        .compose(v -> node.services.authenticator().listen(node.vertx))
        .compose(v -> node.deployEngines())
        .compose(v -> node.deployHttp())
        .onSuccess(v -> started.complete(node))
        .onFailure(e -> {
          LOG.error("Startup failed: {}", e.toString());
          node.stop().onComplete(x -> started.completeExceptionally(e));
        });
    return Future.fromCompletionStage(started);
  }

  private Future<Void> openDatabase() {
    return vertx.executeBlocking(() -> NodeDatabase.open(config)).map(db -> {
      this.database = db;
      return null;
    });
  }

  private Future<Void> buildServices() {
    pool = AppPool.create(vertx, database.appUrl(), config.dbPoolSize());
    TenantScope db = new TenantScope(pool);
    passwordWorkers = new PasswordWorkers(vertx, new PasswordHasher(), config.passwordHashQueue());
    AccessTokens accessTokens = new AccessTokens(vertx, config);
    LoginThrottle throttle = new LoginThrottle(pool, Clock.systemUTC(), config.masterKey(), config.loginWindow(),
        config.loginMaxFailures(), config.loginMaxFailuresPerAddress());
    Authenticator authenticator = new Authenticator(accessTokens, db);
    CheckpointSigner signer = new CheckpointSigner(config.masterKey());
    checkpoints = new Checkpoints(db, signer);
    LedgerClient ledger = new LedgerClient(vertx);
    AuditTrail audit = new AuditTrail(ledger);
    credentials = new CredentialStore(db, new EnvelopeCipher(new MasterKey(config.masterKey())));
    AccountStore accounts = new AccountStore(db);
    OrderStore orders = new OrderStore(db);
    ApprovalStore approvals = new ApprovalStore(db);
    // the decoy hash for unknown emails costs one Argon2 run: do it off the event loop
    return vertx.executeBlocking(() -> new AuthService(authenticator, audit, db, passwordWorkers, accessTokens,
            throttle, config.refreshTokenTtl()))
        .map(auth -> {
          services = new GatewayServices(config, pool, registry, authenticator, auth,
              new UserAdmin(authenticator, audit, db, passwordWorkers, credentials), new ApiTokens(authenticator, audit, db),
              ledger, new LedgerQueries(db), checkpoints, new LedgerVerifier(database.appUrl(), signer), audit,
              credentials, accounts, orders, approvals, new EngineClient(vertx), alpacaByKind(),
              new McpRateLimit(pool, config.mcpRequestsPerMinute()),
              new PublicTrackRecord(db, Clock.systemUTC(), registry));
          engines = new EngineContext(accounts, orders, approvals, new EngineLedger(ledger), new LedgerQueries(db),
              new VaultClient(vertx), new Venues(Clock.systemUTC(), alpacaVenues()), Clock.systemUTC(),
              config.engineTick(), config.approvalTtl(), config.venueRequestsPerMinute());
          return null;
        });
  }

  private Future<Void> deployLedger() {
    return LedgerVerticle.deploy(vertx, new TenantScope(pool), checkpoints, config.ledgerCheckpointInterval())
        .map(id -> {
          ledgerDeployment = id;
          return null;
        });
  }

  private Future<Void> deployVault() {
    return VaultVerticle.deployOnEveryEventLoop(vertx, credentials, database.appUrl()).map(c -> {
      LOG.info("Vault deployed on {} of {} event loops", c.loopsWithVault(), c.loops());
      return null;
    });
  }

  private Future<Void> deployEngines() {
    var cluster = config.cluster();
    // a node gives a lease up by itself a quarter of its time before the database would let it go
    LeaseStore leases = new LeaseStore(pool, cluster.leaseTtl(), cluster.leaseTtl().dividedBy(4));
    EngineSupervisor supervisor = new EngineSupervisor(engines, leases, cluster.nodeId(), PLACEMENT_ROUND);
    Gauge.builder("keyway.engine.accounts.owned", supervisor.placement(), p -> p.owned())
        .description("Accounts whose engine this node runs (it holds their lease)")
        .tag("node", cluster.nodeId())
        .register(registry);
    Gauge.builder("keyway.cluster.placement.nodes", supervisor.placement(), p -> p.liveNodes().size())
        .description("Nodes with a live placement heartbeat, as this node sees them")
        .register(registry);
    return vertx.deployVerticle(supervisor).mapEmpty();
  }

  /** Alpaca, paper or live by the account's kind. */
  private java.util.function.Function<io.keyway.engine.account.Account, io.keyway.engine.venue.Venue> alpacaVenues() {
    var byKind = alpacaByKind();
    return a -> byKind.apply("live".equals(a.kind()));
  }

  /** Alpaca's live (true) or paper (false) API, over one shared web client. */
  private java.util.function.Function<Boolean, AlpacaVenue> alpacaByKind() {
    if (webClient == null) {
      webClient = io.vertx.ext.web.client.WebClient.create(vertx);
    }
    var client = webClient;
    return live -> new AlpacaVenue(client, live ? config.alpacaLiveUrl() : config.alpacaPaperUrl(),
        config.alpacaDataUrl(), AlpacaVenue.DEFAULT_TIMEOUT, Clock.systemUTC());
  }

  private Future<Void> deployHttp() {
    HttpVerticle[] first = new HttpVerticle[1];
    return vertx.deployVerticle(() -> {
          HttpVerticle v = new HttpVerticle(services);
          if (first[0] == null) {
            first[0] = v;
          }
          return v;
        }, new DeploymentOptions().setInstances(config.instances()))
        .map(id -> {
          port.set(first[0].actualPort());
          LOG.info("Keyway is listening on http://{}:{} ({} HTTP instance(s))", config.httpHost(), port.get(),
              config.instances());
          return null;
        });
  }

  public int httpPort() {
    return port.get();
  }

  public Vertx vertx() {
    return vertx;
  }

  public KeywayConfig config() {
    return config;
  }

  public NodeDatabase database() {
    return database;
  }

  /** The services shared by this node's verticles. */
  public GatewayServices services() {
    return services;
  }

  /**
   * Stops HTTP, the pool, Vert.x and finally the embedded database (if this node started it). The
   * returned future is bound to no Vert.x context, since the contexts are gone by then.
   */
  public Future<Void> stop() {
    if (vertx == null) { // Vert.x itself did not start (e.g. the cluster could not be joined)
      return Future.succeededFuture();
    }
    // the ledger writer first, while everything else still runs (it signs what it moved on its way
    // out), then the other verticles, then the pool
    Future<Void> ledgerStopped = ledgerDeployment == null ? Future.succeededFuture()
        : vertx.undeploy(ledgerDeployment).recover(e -> Future.succeededFuture());
    // join, not all: every undeploy must have ended before the pool closes. Future.all fails at the first failed
    // undeploy (one of a child deployment, which its parent may have undeployed already) while the others are still
    // stopping, and a verticle that was still writing then met a closed pool (session 10: a node stop in a test
    // waited 30 s after an engine verticle wrote to the closed pool; that this was the cause is likely, not proven)
    CompletionStage<Void> undeployed = ledgerStopped
        .compose(x -> Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
        .<Void>mapEmpty().toCompletionStage().handle((x, e) -> null);
    CompletionStage<Void> closing = pool == null
        ? undeployed
        : undeployed.thenCompose(x -> pool.close().toCompletionStage());
    CompletionStage<Void> stopped = closing
        .handle((x, e) -> null)
        .thenCompose(x -> {
          if (passwordWorkers != null) {
            passwordWorkers.close();
          }
          return vertx.close().toCompletionStage();
        })
        .handle((x, e) -> {
          if (database != null) {
            database.close();
          }
          return null;
        });
    return Future.fromCompletionStage(stopped);
  }
}

package io.keyway.gateway.cli;

import io.keyway.config.KeywayConfig;
import io.keyway.config.db.AppPool;
import io.keyway.config.db.TenantScope;
import io.keyway.gateway.NodeDatabase;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.gateway.identity.PasswordHasher;
import io.keyway.gateway.identity.PasswordWorkers;
import io.keyway.ledger.CheckpointSigner;
import io.keyway.ledger.Checkpoints;
import io.keyway.ledger.LedgerClient;
import io.keyway.ledger.LedgerVerifier;
import io.keyway.ledger.LedgerVerticle;
import io.keyway.vault.CredentialStore;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.MasterKey;
import io.keyway.vault.MasterKeyRotation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What an admin command needs, without HTTP: the database (started or reused), a small Vert.x with
 * the runtime pool, and a ledger writer so that what the command does is recorded like the same
 * action through the API. Closing it signs the ledger heads it moved and stops what it started.
 */
final class AdminRuntime implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  final NodeDatabase database;
  final Vertx vertx;
  final Pool pool;
  final TenantScope scope;
  final PasswordWorkers passwords;
  final CheckpointSigner signer;
  final Checkpoints checkpoints;
  final AuditTrail audit;
  final CredentialStore credentials;

  private AdminRuntime(KeywayConfig config, NodeDatabase database) {
    this.database = database;
    this.vertx = Vertx.vertx();
    this.pool = AppPool.create(vertx, database.appUrl(), 2);
    this.scope = new TenantScope(pool);
    this.passwords = new PasswordWorkers(vertx, new PasswordHasher(), 4);
    this.signer = new CheckpointSigner(config.masterKey());
    this.checkpoints = new Checkpoints(scope, signer);
    this.audit = new AuditTrail(new LedgerClient(vertx));
    this.credentials = new CredentialStore(scope, new EnvelopeCipher(new MasterKey(config.masterKey())));
  }

  static AdminRuntime open(KeywayConfig config) throws Exception {
    NodeDatabase db = NodeDatabase.open(config);
    AdminRuntime runtime = new AdminRuntime(config, db);
    try {
      runtime.await(MasterKeyRotation.refuseRetired(runtime.scope, new MasterKey(config.masterKey())));
      runtime.await(runtime.vertx.deployVerticle(new LedgerVerticle(runtime.scope, runtime.checkpoints,
          config.ledgerCheckpointInterval())));
      return runtime;
    } catch (Exception e) {
      runtime.close();
      throw e;
    }
  }

  LedgerVerifier verifier() {
    return new LedgerVerifier(database.appUrl(), signer);
  }

  <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      // undeploying the ledger writer signs what it moved: before the pool goes
      await(Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()));
      await(vertx.close());
      passwords.close();
    } finally {
      database.close();
    }
  }
}

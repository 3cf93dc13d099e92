package io.keyway.vault;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each person's credentials: one per (user, provider, label). Linking the same provider and label
 * again rotates it in place, overwriting the old ciphertexts; unlinking deletes the row. Every
 * query is scoped to the tenant (row-level security) and the user (in code), so another person's
 * credential, in this tenant or another, is simply not found.
 */
public final class CredentialStore {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);
  private static final long TOUCH_EVERY_NANOS = Duration.ofSeconds(60).toNanos();
  /** Credentials whose last use is remembered at once (those resolved within the last minute). */
  private static final int TOUCHES_REMEMBERED = 100_000;
  private static final String COLUMNS = "id, provider, label, masked, linked_at, last_used_at, status";
  private static final String UPSERT =
      "INSERT INTO vault.credentials (id, tenant_id, user_id, provider, label, masked, master_key_id, wrapped_key, "
          + "key_id_ct, secret_ct) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
          + "ON CONFLICT (tenant_id, user_id, provider, label) DO UPDATE SET masked = EXCLUDED.masked, "
          + "master_key_id = EXCLUDED.master_key_id, wrapped_key = EXCLUDED.wrapped_key, key_id_ct = EXCLUDED.key_id_ct, "
          + "secret_ct = EXCLUDED.secret_ct, status = 'active', rotated_at = now(), last_used_at = NULL "
          + "RETURNING " + COLUMNS + ", (xmax <> 0) AS rotated";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM vault.credentials WHERE tenant_id = $1 AND user_id = $2 ORDER BY provider, label";
  private static final String DELETE =
      "DELETE FROM vault.credentials WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING " + COLUMNS;
  private static final String DELETE_ALL_OF_USER =
      "DELETE FROM vault.credentials WHERE tenant_id = $1 AND user_id = $2";
  /** One round trip: the function scopes its own statement to the tenant (see V2 migration). */
  private static final String SEALED_BY_NAME = "SELECT * FROM vault.sealed_credential($1, $2, $3, $4)";
  /** Many resolves of one tenant in one round trip, each row with its request's ordinal (V4 migration). */
  private static final String SEALED_MANY = "SELECT * FROM vault.sealed_credentials($1, $2, $3, $4)";
  private static final String SEALED_BY_ID =
      "SELECT id, provider, label, wrapped_key, key_id_ct, secret_ct FROM vault.credentials "
          + "WHERE tenant_id = $1 AND user_id = $2 AND id = $3";
  private static final String TOUCH = "UPDATE vault.credentials SET last_used_at = now() WHERE id = $1";

  private final TenantScope db;
  private final EnvelopeCipher cipher;
  private final LastUseThrottle lastTouched = new LastUseThrottle(TOUCH_EVERY_NANOS, TOUCHES_REMEMBERED);

  public CredentialStore(TenantScope db, EnvelopeCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /** What linking did: the credential, and whether it replaced an older one (a rotation). */
  public record Linked(CredentialView credential, boolean rotated) {}

  public Future<Linked> link(UUID tenantId, UUID userId, String provider, String label, String keyId, String secret) {
    CredentialIdentity who = new CredentialIdentity(tenantId, userId, provider, label);
    SealedCredential sealed;
    try (Secret k = Secret.of(keyId); Secret s = Secret.of(secret)) {
      sealed = cipher.seal(who, k, s);
    }
    Tuple params = Tuple.from(List.of(UUID.randomUUID(), tenantId, userId, provider, label, Providers.mask(keyId),
        cipher.sealingKeyId(), Buffer.buffer(sealed.wrappedDataKey()), Buffer.buffer(sealed.keyIdCiphertext()),
        Buffer.buffer(sealed.secretCiphertext())));
    return db.inTenant(tenantId, c -> c.preparedQuery(UPSERT).execute(params)).map(rows -> {
      Row r = rows.iterator().next();
      return new Linked(CredentialView.from(r), r.getBoolean("rotated"));
    });
  }

  public Future<List<CredentialView>> list(UUID tenantId, UUID userId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(LIST).execute(Tuple.of(tenantId, userId))).map(rows -> {
      List<CredentialView> out = new ArrayList<>();
      rows.forEach(r -> out.add(CredentialView.from(r)));
      return out;
    });
  }

  /** Deletes the credential at once; 404 when it is not this user's. */
  public Future<CredentialView> unlink(UUID tenantId, UUID userId, UUID id) {
    return db.inTenant(tenantId, c -> c.preparedQuery(DELETE).execute(Tuple.of(tenantId, userId, id)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(KeywayException.notFound("key"));
          }
          lastTouched.forget(id);
          return Future.succeededFuture(CredentialView.from(rows.iterator().next()));
        });
  }

  /** Purges every credential of a user (when the user is deleted). */
  public Future<Integer> unlinkAll(UUID tenantId, UUID userId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(DELETE_ALL_OF_USER).execute(Tuple.of(tenantId, userId)))
        .map(rows -> rows.rowCount());
  }

  /** Opens the user's credential for (provider, label); 404 when there is none. Reads through the pool. */
  public Future<ResolvedCredential> resolve(UUID tenantId, UUID userId, String provider, String label) {
    return resolve(db.pool(), tenantId, userId, provider, label);
  }

  /**
   * The same, reading through {@code reads}, which may be a pipelined client: the read is one
   * statement that scopes itself to the tenant (V2/V3 migrations), so it needs no transaction.
   */
  public Future<ResolvedCredential> resolve(SqlClient reads, UUID tenantId, UUID userId, String provider, String label) {
    CredentialIdentity who = new CredentialIdentity(tenantId, userId, provider, label);
    return reads.preparedQuery(SEALED_BY_NAME).execute(Tuple.of(tenantId, userId, provider, label))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(KeywayException.notFound("credential"))
            : Future.succeededFuture(open(tenantId, who, rows.iterator().next())));
  }

  /**
   * Resolves of one tenant read in one statement through {@code reads} (V4 migration), then each
   * decrypted: one answer per ask, in the order asked. Each ask gets its own credential, its own 404
   * (no such label for that user) and its own integrity failure (naming its credential); only a
   * failed statement fails them all. A single ask is read with the one-credential statement.
   */
  public List<Future<ResolvedCredential>> resolveAll(SqlClient reads, UUID tenantId, List<CredentialIdentity> asks) {
    for (CredentialIdentity who : asks) {
      if (!who.tenantId().equals(tenantId)) {
        throw new IllegalArgumentException("every ask of one statement must be of tenant " + tenantId);
      }
    }
    if (asks.size() == 1) {
      CredentialIdentity who = asks.get(0);
      return List.of(resolve(reads, tenantId, who.userId(), who.provider(), who.label()));
    }
    int n = asks.size();
    UUID[] users = new UUID[n];
    String[] providers = new String[n];
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      users[i] = asks.get(i).userId();
      providers[i] = asks.get(i).provider();
      labels[i] = asks.get(i).label();
    }
    Tuple params = Tuple.tuple().addUUID(tenantId).addArrayOfUUID(users).addArrayOfString(providers)
        .addArrayOfString(labels);
    List<Promise<ResolvedCredential>> answers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      answers.add(Promise.promise());
    }
    reads.preparedQuery(SEALED_MANY).execute(params).onComplete(read -> {
      if (read.failed()) {
        answers.forEach(a -> a.fail(read.cause()));
        return;
      }
      // every row is opened before any caller is answered, so the answers (and the replies they
      // send) leave together: a caller's event loop then wakes once for the batch, not once a row
      Object[] outcomes = new Object[n];
      for (Row r : read.result()) {
        int i = (int) (r.getLong("ordinal") - 1);
        try {
          outcomes[i] = open(tenantId, asks.get(i), r);
        } catch (RuntimeException integrity) {
          outcomes[i] = integrity;
        }
      }
      for (int i = 0; i < n; i++) {
        if (outcomes[i] instanceof ResolvedCredential opened) {
          answers.get(i).complete(opened);
        } else {
          answers.get(i).fail(outcomes[i] == null ? KeywayException.notFound("credential") : (Throwable) outcomes[i]);
        }
      }
    });
    List<Future<ResolvedCredential>> out = new ArrayList<>(n);
    answers.forEach(a -> out.add(a.future()));
    return out;
  }

  /** The runtime pool, for resolves when no pipelined client is given (one statement per read). */
  SqlClient pool() {
    return db.pool();
  }

  /** Opens the user's credential by id (to test it against its venue); 404 when not theirs. */
  public Future<ResolvedCredential> resolveById(UUID tenantId, UUID userId, UUID id) {
    return db.inTenant(tenantId, c -> c.preparedQuery(SEALED_BY_ID).execute(Tuple.of(tenantId, userId, id)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(KeywayException.notFound("key"));
          }
          Row r = rows.iterator().next();
          CredentialIdentity who = new CredentialIdentity(tenantId, userId, r.getString("provider"), r.getString("label"));
          return Future.succeededFuture(open(tenantId, who, r));
        });
  }

  private ResolvedCredential open(UUID tenantId, CredentialIdentity who, Row r) {
    UUID id = r.getUUID("id");
    SealedCredential sealed = new SealedCredential(r.getBuffer("wrapped_key").getBytes(),
        r.getBuffer("key_id_ct").getBytes(), r.getBuffer("secret_ct").getBytes());
    EnvelopeCipher.Opened opened = cipher.open(id, who, sealed);
    touch(tenantId, id);
    return new ResolvedCredential(id, opened.keyId(), opened.secret());
  }

  /** Records last use at most once a minute per credential, off the caller's path. */
  private void touch(UUID tenantId, UUID id) {
    if (!lastTouched.due(id, System.nanoTime())) {
      return;
    }
    db.inTenant(tenantId, c -> c.preparedQuery(TOUCH).execute(Tuple.of(id)))
        .onFailure(e -> LOG.warn("Could not record the last use of credential {}: {}", id, e.getMessage()));
  }
}

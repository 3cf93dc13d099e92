package io.keyway.vault;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Moves every credential to a new master key, one row per transaction: each row's data key is
 * unwrapped with the key it names and wrapped again under the new one; the field ciphertexts are
 * not touched and no plaintext field is ever decrypted. Interrupted, it leaves every row readable
 * (under the old key or the new), and a second run picks up what is left. Once nothing is left
 * under the old key, that key is retired: a node started with it is refused.
 */
public final class MasterKeyRotation {
  private static final String PENDING =
      "SELECT id FROM vault.credentials WHERE tenant_id = $1 AND master_key_id <> $2 ORDER BY id";
  private static final String LOCK_ONE =
      "SELECT id, user_id, provider, label, master_key_id, wrapped_key, key_id_ct, secret_ct "
          + "FROM vault.credentials WHERE tenant_id = $1 AND id = $2 FOR UPDATE";
  private static final String UPDATE_ONE =
      "UPDATE vault.credentials SET master_key_id = $3, wrapped_key = $4 WHERE tenant_id = $1 AND id = $2";
  private static final String RETIRE =
      "INSERT INTO vault.retired_master_keys (key_id) VALUES ($1) ON CONFLICT (key_id) DO NOTHING";
  private static final String RETIRED = "SELECT retired_at FROM vault.retired_master_keys WHERE key_id = $1";

  private final TenantScope db;
  private final EnvelopeCipher cipher;

  /** {@code cipher} seals under the new key and opens under the old one (and the new). */
  public MasterKeyRotation(TenantScope db, EnvelopeCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /** Credentials of the tenant not yet under the new key. */
  public Future<List<UUID>> pending(UUID tenantId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(PENDING).execute(Tuple.of(tenantId, cipher.sealingKeyId())))
        .map(rows -> {
          List<UUID> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getUUID("id")));
          return ids;
        });
  }

  /** Re-wraps up to {@code limit} of the tenant's pending credentials; answers how many moved. */
  public Future<Integer> rewrap(UUID tenantId, int limit) {
    return pending(tenantId).compose(ids -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (UUID id : ids.subList(0, Math.min(limit, ids.size()))) {
        done = done.compose(n -> db.inTenant(tenantId, c -> rewrapOne(c, tenantId, id)).map(moved -> n + (moved ? 1 : 0)));
      }
      return done;
    });
  }

  private Future<Boolean> rewrapOne(SqlConnection c, UUID tenantId, UUID id) {
    return c.preparedQuery(LOCK_ONE).execute(Tuple.of(tenantId, id)).compose(rows -> {
      if (rows.size() == 0 || rows.iterator().next().getString("master_key_id").equals(cipher.sealingKeyId())) {
        return Future.succeededFuture(false); // unlinked meanwhile, or moved by a concurrent run
      }
      Row r = rows.iterator().next();
      CredentialIdentity who = new CredentialIdentity(tenantId, r.getUUID("user_id"), r.getString("provider"),
          r.getString("label"));
      SealedCredential moved = cipher.rewrap(id, who, new SealedCredential(r.getBuffer("wrapped_key").getBytes(),
          r.getBuffer("key_id_ct").getBytes(), r.getBuffer("secret_ct").getBytes()));
      return c.preparedQuery(UPDATE_ONE)
          .execute(Tuple.of(tenantId, id, cipher.sealingKeyId(), Buffer.buffer(moved.wrappedDataKey())))
          .map(true);
    });
  }

  /** Refuses, from now on, nodes started with {@code keyId}. */
  public Future<Void> retire(String keyId) {
    return db.unscoped(c -> c.preparedQuery(RETIRE).execute(Tuple.of(keyId))).mapEmpty();
  }

  /** Fails with a message naming the key when {@code key} was retired by an earlier rotation. */
  public static Future<Void> refuseRetired(TenantScope db, MasterKey key) {
    return db.unscoped(c -> c.preparedQuery(RETIRED).execute(Tuple.of(key.id()))).compose(rows -> rows.size() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE, "KEYWAY_MASTER_KEY: master key " + key.id()
            + " was retired by 'keyway vault rewrap' at " + rows.iterator().next().getOffsetDateTime("retired_at")
            + "; start with the new key")));
  }
}

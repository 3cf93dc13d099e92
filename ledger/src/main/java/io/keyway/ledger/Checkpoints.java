package io.keyway.ledger;

import io.keyway.config.db.TenantScope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** Signs chain heads and reads the newest signature. */
public final class Checkpoints {
  private final TenantScope db;
  private final CheckpointSigner signer;

  public Checkpoints(TenantScope db, CheckpointSigner signer) {
    this.db = db;
    this.signer = signer;
  }

  /** Signs the tenant's current head (if it has entries and no checkpoint at that seq yet). */
  public Future<Optional<Checkpoint>> signNow(UUID tenantId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(LedgerSql.HEAD_READ).execute(Tuple.of(tenantId)).compose(rows -> {
      if (rows.size() == 0 || rows.iterator().next().getLong("seq") == 0) {
        return newest(c, tenantId);
      }
      Row head = rows.iterator().next();
      long seq = head.getLong("seq");
      byte[] hash = head.getBuffer("hash").getBytes();
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      byte[] signature = signer.sign(tenantId, seq, hash, at);
      return c.preparedQuery(LedgerSql.CHECKPOINT_INSERT).execute(Tuple.of(tenantId, seq, Buffer.buffer(hash),
              at.atOffset(ZoneOffset.UTC), signer.keyId(), Buffer.buffer(signature)))
          .compose(x -> newest(c, tenantId));
    }));
  }

  /**
   * The checkpoint as answered to readers, with the Ed25519 public key (base64) when this node's
   * key signed it, so a reader can check the signature without trusting the server's word.
   */
  public io.vertx.core.json.JsonObject describe(Checkpoint cp) {
    var json = cp.toJson();
    if (cp.keyId().equals(signer.keyId())) {
      json.put("publicKey", java.util.Base64.getEncoder().encodeToString(signer.publicKey()));
    }
    return json;
  }

  public Future<Optional<Checkpoint>> newest(UUID tenantId) {
    return db.inTenant(tenantId, c -> newest(c, tenantId));
  }

  private static Future<Optional<Checkpoint>> newest(SqlConnection c, UUID tenantId) {
    return c.preparedQuery(LedgerSql.CHECKPOINT_NEWEST).execute(Tuple.of(tenantId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Checkpoint(tenantId, r.getLong("seq"), r.getBuffer("hash").getBytes(),
          r.getOffsetDateTime("signed_at").toInstant(), r.getString("key_id"), r.getBuffer("signature").getBytes()));
    });
  }
}

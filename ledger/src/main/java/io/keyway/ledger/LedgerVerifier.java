package io.keyway.ledger;

import io.keyway.config.DbUrl;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.Schemas;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies a whole chain by streaming it over JDBC (blocking: run it on a worker). Reads as the
 * runtime role inside one read-only transaction scoped to the tenant, so it sees exactly what row
 * level security lets the application see, as of one snapshot.
 */
public final class LedgerVerifier {
  private static final int FETCH = 10_000;
  private final DbUrl url;
  private final CheckpointSigner signer;

  public LedgerVerifier(DbUrl url, CheckpointSigner signer) {
    this.url = url;
    this.signer = signer;
  }

  public VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint) throws SQLException {
    long start = System.nanoTime();
    ChainVerifier chain = new ChainVerifier(tenantId, checkpoint);
    try (Connection c = DatabaseBootstrap.connect(url)) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('" + Schemas.TENANT_SETTING + "', ?, true)")) {
        set.setString(1, tenantId.toString());
        set.execute();
      }
      try (PreparedStatement ps = c.prepareStatement(LedgerSql.CHAIN_IN_ORDER)) {
        ps.setFetchSize(FETCH);
        ps.setObject(1, tenantId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (!chain.accept(row(rs))) {
              break;
            }
          }
        }
      }
      c.rollback();
    }
    return chain.finish(checkpoint, signer, (System.nanoTime() - start) / 1_000_000);
  }

  private static ChainVerifier.Row row(ResultSet rs) throws SQLException {
    return new ChainVerifier.Row(rs.getLong("seq"), rs.getObject("id", UUID.class), rs.getString("kind"),
        rs.getString("actor"), rs.getString("subject"), rs.getObject("user_id", UUID.class),
        rs.getObject("account_id", UUID.class), rs.getString("idempotency_key"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("canonical"),
        rs.getBytes("prev_hash"), rs.getBytes("hash"));
  }
}

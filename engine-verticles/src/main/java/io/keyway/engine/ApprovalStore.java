package io.keyway.engine;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Orders waiting for a person: requested with an expiry, then approved, rejected or expired, once. */
public final class ApprovalStore {
  private static final String COLUMNS = "a.id, a.account_id, a.order_id, a.reason, a.requested_at, a.expires_at, a.status";
  private static final String INSERT = "INSERT INTO engine.approvals (id, tenant_id, account_id, order_id, reason, expires_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6)";
  private static final String LIST = "SELECT " + COLUMNS + " FROM engine.approvals a WHERE a.tenant_id = $1 "
      + "AND ($2::text IS NULL OR a.status = $2) AND ($3::uuid IS NULL OR a.account_id IN "
      + "(SELECT id FROM engine.accounts WHERE owner_user_id = $3)) ORDER BY a.requested_at DESC LIMIT 500";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM engine.approvals a WHERE a.tenant_id = $1 AND a.id = $2";
  private static final String DECIDE = "UPDATE engine.approvals SET status = $3, decided_by = $4, decided_at = now(), "
      + "decision_reason = $5 WHERE tenant_id = $1 AND id = $2 AND status = 'pending' AND expires_at > now() "
      + "RETURNING order_id";
  private static final String DUE = "UPDATE engine.approvals SET status = 'expired', decided_at = now() "
      + "WHERE tenant_id = $1 AND account_id = $2 AND status = 'pending' AND expires_at <= now() RETURNING id, order_id";

  private static final String NEXT_EXPIRY = "SELECT min(expires_at) AS due FROM engine.approvals "
      + "WHERE tenant_id = $1 AND account_id = $2 AND status = 'pending'";

  private static final String WITHDRAW = "UPDATE engine.approvals SET status = 'rejected', decided_by = $3, "
      + "decided_at = now(), decision_reason = 'withdrawn: the account was killed' "
      + "WHERE tenant_id = $1 AND order_id = $2 AND status = 'pending'";

  private final TenantScope db;

  public ApprovalStore(TenantScope db) {
    this.db = db;
  }

  /** One approval: its id, account, order and state. */
  public record Approval(UUID id, UUID accountId, UUID orderId, String reason, Instant requestedAt, Instant expiresAt,
      String status) {
    static Approval from(Row r) {
      return new Approval(r.getUUID("id"), r.getUUID("account_id"), r.getUUID("order_id"), r.getString("reason"),
          r.getOffsetDateTime("requested_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant(), r.getString("status"));
    }

    public JsonObject toJson(JsonObject order) {
      return new JsonObject().put("id", id.toString()).put("accountId", accountId.toString()).put("order", order)
          .put("reason", reason).put("requestedAt", requestedAt.toString()).put("expiresAt", expiresAt.toString())
          .put("status", status);
    }
  }

  public Future<UUID> request(UUID tenantId, UUID accountId, UUID orderId, String reason, Instant expiresAt) {
    UUID id = UUID.randomUUID();
    return db.inTenant(tenantId, c -> c.preparedQuery(INSERT)
        .execute(Tuple.of(id, tenantId, accountId, orderId, reason, expiresAt.atOffset(ZoneOffset.UTC)))).map(id);
  }

  /** Approvals of the tenant, or of the accounts {@code ownedBy} owns. */
  public Future<List<Approval>> list(UUID tenantId, String status, UUID ownedBy) {
    return db.inTenant(tenantId, c -> c.preparedQuery(LIST).execute(Tuple.of(tenantId, status, ownedBy))).map(rows -> {
      List<Approval> out = new ArrayList<>();
      rows.forEach(r -> out.add(Approval.from(r)));
      return out;
    });
  }

  public Future<Approval> get(UUID tenantId, UUID id) {
    return db.inTenant(tenantId, c -> c.preparedQuery(BY_ID).execute(Tuple.of(tenantId, id))).compose(rows ->
        rows.size() == 0 ? Future.failedFuture(KeywayException.notFound("approval"))
            : Future.succeededFuture(Approval.from(rows.iterator().next())));
  }

  /** Approves or rejects a pending, unexpired approval; answers its order id, or 409 if already decided. */
  public Future<UUID> decide(UUID tenantId, UUID id, boolean approve, String by, String reason) {
    return db.inTenant(tenantId, c -> c.preparedQuery(DECIDE)
        .execute(Tuple.of(tenantId, id, approve ? "approved" : "rejected", by, reason))).compose(rows ->
        rows.size() == 0
            ? Future.failedFuture(KeywayException.of(ErrorCode.CONFLICT, "this approval is no longer pending"))
            : Future.succeededFuture(rows.iterator().next().getUUID("order_id")));
  }

  /** Withdraws the pending approval of an order (the order was canceled): nobody can approve it any more. */
  public Future<Void> withdraw(UUID tenantId, UUID orderId, String by) {
    return db.inTenant(tenantId, c -> c.preparedQuery(WITHDRAW).execute(Tuple.of(tenantId, orderId, by))).mapEmpty();
  }

  /** Expires what is due for an account; answers the orders whose approval expired. */
  public Future<List<UUID>> expireDue(UUID tenantId, UUID accountId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(DUE).execute(Tuple.of(tenantId, accountId))).map(rows -> {
      List<UUID> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getUUID("order_id")));
      return out;
    });
  }

  /** When the next pending approval of an account expires, if it has one. */
  public Future<java.util.Optional<Instant>> nextExpiry(UUID tenantId, UUID accountId) {
    return db.inTenant(tenantId, c -> c.preparedQuery(NEXT_EXPIRY).execute(Tuple.of(tenantId, accountId))).map(rows -> {
      var due = rows.iterator().next().getOffsetDateTime("due");
      return java.util.Optional.ofNullable(due).map(d -> d.toInstant());
    });
  }
}

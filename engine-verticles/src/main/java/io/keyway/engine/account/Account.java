package io.keyway.engine.account;

import io.keyway.engine.risk.RiskLimits;
import io.keyway.ledger.Money;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/** A trading account: who owns it, where and how it trades, within which limits, and its state. */
public record Account(
    UUID id,
    UUID tenantId,
    UUID ownerUserId,
    String name,
    String venue,
    String kind,
    String credentialLabel,
    String strategyType,
    JsonObject strategyParams,
    RiskLimits risk,
    String status,
    String killReason,
    boolean isPublic) {

  public boolean live() {
    return "live".equals(kind);
  }

  static Account from(Row r) {
    return new Account(r.getUUID("id"), r.getUUID("tenant_id"), r.getUUID("owner_user_id"), r.getString("name"),
        r.getString("venue"), r.getString("kind"), r.getString("credential_label"), r.getString("strategy_type"),
        (JsonObject) r.getValue("strategy_params"),
        new RiskLimits(r.getBigDecimal("max_order_usd"), r.getBigDecimal("daily_cap_usd"), r.getBoolean("allow_live"),
            r.getBigDecimal("approval_over_usd")),
        r.getString("status"), r.getString("kill_reason"), r.getBoolean("is_public"));
  }

  /** {@code GET /api/accounts} items. */
  public JsonObject toSummaryJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("kind", kind)
        .put("venue", venue)
        .put("status", status)
        .put("ownerUserId", ownerUserId == null ? null : ownerUserId.toString())
        .put("isPublic", isPublic);
  }

  /** The full view (admins, and the account's owner). */
  public JsonObject toJson() {
    return toSummaryJson()
        .put("credentialLabel", credentialLabel)
        .put("strategy", new JsonObject().put("type", strategyType).put("params", strategyParams))
        .put("risk", new JsonObject()
            .put("maxOrderUsd", Money.format(risk.maxOrderUsd()))
            .put("dailyCapUsd", Money.format(risk.dailyCapUsd()))
            .put("allowLive", risk.allowLive())
            .put("approvalOverUsd", Money.format(risk.approvalOverUsd())))
        .put("killReason", killReason);
  }
}

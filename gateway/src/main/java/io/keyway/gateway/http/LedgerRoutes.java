package io.keyway.gateway.http;

import io.keyway.engine.EngineLedger;
import io.keyway.engine.account.Account;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Role;
import io.keyway.ledger.CanonicalJson;
import io.keyway.ledger.CapitalFlow;
import io.keyway.ledger.EntryFilter;
import io.keyway.ledger.LedgerQueries;
import io.keyway.ledger.Money;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Capital flows, balances and the ledger itself: entries, verification, checkpoints. */
final class LedgerRoutes {
  /** A valid Idempotency-Key: 1 to 255 visible ASCII characters (also for orders, in {@link TradingActions}). */
  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final GatewayServices s;
  private final LedgerActions ledgerActions;

  LedgerRoutes(GatewayServices services, LedgerActions ledgerActions) {
    this.s = services;
    this.ledgerActions = ledgerActions;
  }

  void mount(Router router, AuthGuard guard) {
    var admin = AuthGuard.role(Role.ADMIN);
    router.post("/api/capital-flows").handler(guard.ready()).handler(admin).handler(this::capitalFlow);
    router.get("/api/users/:id/balance").handler(guard.ready()).handler(this::userBalance);
    router.get("/api/ledger/entries").handler(guard.ready()).handler(this::entries);
    router.get("/api/ledger/verify").handler(guard.ready()).handler(admin).handler(this::verify);
    router.get("/api/ledger/checkpoint").handler(guard.ready()).handler(this::checkpoint);
    router.post("/api/ledger/checkpoint").handler(guard.ready()).handler(admin).handler(this::signCheckpoint);
  }

  private void capitalFlow(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw KeywayException.badField("Idempotency-Key", "header is required: 1-255 visible ASCII characters");
    }
    RequestBody body = RequestBody.of(ctx);
    CapitalFlow.Type type = flowType(body.string("type"));
    UUID userId = uuid("userId", body.string("userId"));
    UUID accountId = body.optString("accountId").map(a -> uuid("accountId", a)).orElse(null);
    if (type.needsAccount() && accountId == null) {
      throw KeywayException.badField("accountId", "is required for " + type.wire());
    }
    if (!type.needsAccount() && accountId != null) {
      throw KeywayException.badField("accountId", "does not apply to " + type.wire());
    }
    CapitalFlow flow = new CapitalFlow(type, userId, accountId, Money.positiveAmount("amount", body.raw("amount")),
        Money.currency("currency", body.raw("currency")), body.optString("note").map(LedgerRoutes::note).orElse(null));
    String requestHash = requestHash(flow);
    s.authenticator().user(p.tenantId(), userId)
        .compose(u -> accountId == null ? Future.succeededFuture()
            : s.accounts().get(p.tenantId(), accountId, java.util.Optional.of(userId)).mapEmpty())
        .compose(u -> s.ledger().append(flow.toAppend(p.tenantId(), AuditTrail.actor(p), key, requestHash)))
        .onSuccess(result -> Replies.json(ctx, result.replayed() ? 200 : 201, new JsonObject()
            .put("entryId", result.entryId().toString())
            .put("balance", CapitalFlow.balanceAfter(result, flow))))
        .onFailure(ctx::fail);
  }

  private void userBalance(RoutingContext ctx) {
    ledgerActions.userBalance(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"), new QueryParams(ctx).string("currency"))
        .onSuccess(tree -> Replies.json(ctx, 200, tree))
        .onFailure(ctx::fail);
  }

  private void entries(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    QueryParams q = new QueryParams(ctx);
    String kind = q.string("kind");
    if (kind != null && !kind.matches("[a-z_]+(\\.[a-z_]+)*(\\.\\*)?")) {
      throw KeywayException.badField("kind", "must be a kind such as capital.deposit, or a family such as capital.*");
    }
    UUID userId = q.uuid("userId");
    if (!p.isAdmin()) {
      // people who are not admins see what concerns them, and nothing else
      if (userId != null && !userId.equals(p.userId())) {
        Replies.json(ctx, 200, new JsonObject().put("items", new JsonArray()).putNull("nextCursor"));
        return;
      }
      userId = p.userId();
    }
    EntryFilter filter = new EntryFilter(kind, userId, q.uuid("accountId"), q.instant("from"), q.instant("to"),
        cursor(q.string("cursor")), q.integer("limit", 1, EntryFilter.MAX_LIMIT, EntryFilter.DEFAULT_LIMIT));
    s.ledgerQueries().entries(p.tenantId(), filter)
        .onSuccess(page -> Replies.json(ctx, 200, new JsonObject()
            .put("items", page.items())
            .put("nextCursor", page.nextBeforeSeq() == null ? null : encodeCursor(page.nextBeforeSeq()))))
        .onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    ledgerActions.verify(ctx.vertx(), AuthGuard.principal(ctx))
        .onSuccess(report -> Replies.json(ctx, 200, report))
        .onFailure(ctx::fail);
  }

  private void checkpoint(RoutingContext ctx) {
    s.checkpoints().newest(AuthGuard.principal(ctx).tenantId())
        .compose(cp -> cp.isPresent() ? Future.succeededFuture(cp.get())
            : Future.failedFuture(KeywayException.notFound("checkpoint")))
        .onSuccess(cp -> Replies.json(ctx, 200, s.checkpoints().describe(cp)))
        .onFailure(ctx::fail);
  }

  private void signCheckpoint(RoutingContext ctx) {
    s.checkpoints().signNow(AuthGuard.principal(ctx).tenantId())
        .compose(cp -> cp.isPresent() ? Future.succeededFuture(cp.get())
            : Future.failedFuture(KeywayException.notFound("checkpoint (the ledger is empty)")))
        .onSuccess(cp -> Replies.json(ctx, 200, s.checkpoints().describe(cp)))
        .onFailure(ctx::fail);
  }

  private static CapitalFlow.Type flowType(String raw) {
    for (CapitalFlow.Type t : CapitalFlow.Type.values()) {
      if (t.wire().equals(raw)) {
        return t;
      }
    }
    throw KeywayException.badField("type", "must be one of deposit, withdrawal, allocate, deallocate");
  }

  private static UUID uuid(String field, String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw KeywayException.badField(field, "must be an id");
    }
  }

  private static String note(String raw) {
    if (raw.length() > 500 || raw.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw KeywayException.badField("note", "must be at most 500 printable characters");
    }
    return raw;
  }

  /** Same flow, same hash: what an idempotent retry is recognised by. */
  private static String requestHash(CapitalFlow f) {
    String canonical = CanonicalJson.encode(new JsonObject()
        .put("type", f.type().wire())
        .put("userId", f.userId().toString())
        .put("accountId", f.accountId() == null ? null : f.accountId().toString())
        .put("amount", f.amount().stripTrailingZeros().toPlainString())
        .put("currency", f.currency())
        .put("note", f.note()));
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encodeCursor(long beforeSeq) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("s:" + beforeSeq).getBytes(StandardCharsets.US_ASCII));
  }

  private static Long cursor(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII);
      if (s.startsWith("s:")) {
        long seq = Long.parseLong(s.substring(2));
        if (seq > 0) {
          return seq;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the 400 below
    }
    throw KeywayException.badField("cursor", "is not a cursor this API issued");
  }

}

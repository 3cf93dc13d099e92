package io.keyway.gateway.http;

import io.keyway.engine.EngineClient;
import io.keyway.engine.account.Account;
import io.keyway.engine.account.AccountSpec;
import io.keyway.engine.account.AccountStore;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/accounts}: trading accounts; admins create and change them, owners see their own. */
final class TradingAccountRoutes {
  private final AccountStore accounts;
  private final Authenticator identity;
  private final EngineClient engines;

  TradingAccountRoutes(AccountStore accounts, Authenticator identity, EngineClient engines) {
    this.accounts = accounts;
    this.identity = identity;
    this.engines = engines;
  }

  void mount(Router router, AuthGuard guard) {
    var admin = AuthGuard.role(Role.ADMIN);
    router.get("/api/accounts").handler(guard.ready()).handler(this::list);
    router.post("/api/accounts").handler(guard.ready()).handler(admin).handler(this::create);
    router.get("/api/accounts/:id").handler(guard.ready()).handler(this::get);
    router.patch("/api/accounts/:id").handler(guard.ready()).handler(admin).handler(this::update);
  }

  /** Only the accounts the caller may see: every account of the tenant for admins, else their own. */
  static Optional<UUID> visibleTo(Principal p) {
    return p.isAdmin() ? Optional.empty() : Optional.of(p.userId());
  }

  private void list(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    accounts.list(p.tenantId(), visibleTo(p))
        .onSuccess(list -> Replies.json(ctx, 200, new JsonArray(list.stream().map(Account::toSummaryJson).toList())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    accounts.get(p.tenantId(), RequestBody.pathId(ctx, "id"), visibleTo(p))
        .onSuccess(a -> Replies.json(ctx, 200, a.toJson()))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    AccountSpec spec = AccountSpec.parse(bodyJson(ctx), true);
    ownerInTenant(p, spec)
        .compose(x -> accounts.create(p.tenantId(), spec))
        .onSuccess(a -> engines.accountChanged(a.tenantId(), a.id()))
        .onSuccess(a -> Replies.json(ctx, 201, a.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    UUID id = RequestBody.pathId(ctx, "id");
    AccountSpec spec = AccountSpec.parse(bodyJson(ctx), false);
    ownerInTenant(p, spec)
        .compose(x -> accounts.update(p.tenantId(), id, spec))
        .onSuccess(a -> engines.accountChanged(a.tenantId(), a.id()))
        .onSuccess(a -> Replies.json(ctx, 200, a.toJson()))
        .onFailure(ctx::fail);
  }

  private Future<Void> ownerInTenant(Principal p, AccountSpec spec) {
    Optional<UUID> owner = spec.owner().flatMap(o -> o);
    if (owner.isEmpty()) {
      return Future.succeededFuture();
    }
    return identity.user(p.tenantId(), owner.get()).<Void>mapEmpty().recover(e -> Future.failedFuture(
        KeywayException.of(ErrorCode.UNPROCESSABLE, "ownerUserId: no such user in this tenant")));
  }

  private static JsonObject bodyJson(RoutingContext ctx) {
    return RequestBody.of(ctx).json();
  }
}

package io.keyway.gateway.http;

import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.gateway.identity.Principal;
import io.keyway.gateway.identity.Role;
import io.keyway.vault.CredentialStore;
import io.keyway.vault.CredentialView;
import io.keyway.vault.Providers;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/account/keys}: the caller's own venue keys, only ever shown masked. Linking and
 * unlinking need a signed-in operator or admin (not an API token: an agent never handles keys);
 * each change is on the ledger, with no secret in it.
 */
final class KeyRoutes {
  private final CredentialStore vault;
  private final AuditTrail audit;
  private final KeyTester tester;

  KeyRoutes(CredentialStore vault, AuditTrail audit, KeyTester tester) {
    this.vault = vault;
    this.audit = audit;
    this.tester = tester;
  }

  void mount(Router router, AuthGuard guard) {
    router.get("/api/account/keys").handler(guard.ready()).handler(this::list);
    router.post("/api/account/keys").handler(guard.ready()).handler(AuthGuard.role(Role.OPERATOR)).handler(this::link);
    router.delete("/api/account/keys/:id").handler(guard.ready()).handler(AuthGuard.role(Role.OPERATOR))
        .handler(this::unlink);
    router.post("/api/account/keys/:id/test").handler(guard.ready()).handler(this::test);
  }

  private void test(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    java.util.UUID id = RequestBody.pathId(ctx, "id");
    vault.list(p.tenantId(), p.userId())
        .compose(list -> list.stream().filter(c -> c.id().equals(id)).findFirst()
            .<io.vertx.core.Future<CredentialView>>map(io.vertx.core.Future::succeededFuture)
            .orElseGet(() -> io.vertx.core.Future.failedFuture(KeywayException.notFound("key"))))
        .compose(view -> vault.resolveById(p.tenantId(), p.userId(), id)
            .compose(key -> tester.test(view.provider(), key))
            .compose(answer -> audit.credentialUsed(p, view, "test: " + answer.getString("detail")).map(answer)))
        .onSuccess(answer -> Replies.json(ctx, 200, answer))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    vault.list(p.tenantId(), p.userId())
        .onSuccess(list -> Replies.json(ctx, 200, new JsonArray(list.stream().map(CredentialView::toJson).toList())))
        .onFailure(ctx::fail);
  }

  private void link(RoutingContext ctx) {
    Principal p = signedInPerson(ctx);
    RequestBody body = RequestBody.of(ctx);
    String provider = Providers.provider("provider", body.string("provider"));
    String label = Providers.label("label", body.string("label"));
    String keyId = Providers.keyId("keyId", body.string("keyId"));
    String secret = Providers.secret("secret", body.string("secret"));
    vault.link(p.tenantId(), p.userId(), provider, label, keyId, secret)
        .compose(linked -> audit.credentialLinked(p, linked.credential(), linked.rotated()).map(linked))
        .onSuccess(linked -> Replies.json(ctx, 201, linked.credential().toJson()))
        .onFailure(ctx::fail);
  }

  private void unlink(RoutingContext ctx) {
    Principal p = signedInPerson(ctx);
    vault.unlink(p.tenantId(), p.userId(), RequestBody.pathId(ctx, "id"))
        .compose(gone -> audit.credentialUnlinked(p, gone))
        .onSuccess(x -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private static Principal signedInPerson(RoutingContext ctx) {
    Principal p = AuthGuard.principal(ctx);
    if (p.kind() != Principal.Kind.ACCESS_TOKEN) {
      throw KeywayException.forbidden("venue keys are managed by signing in, not with an API token");
    }
    return p;
  }
}

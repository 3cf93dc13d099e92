package io.keyway.gateway.http;

import io.keyway.gateway.identity.NewUser;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.identity.UserAdmin;
import io.keyway.gateway.identity.UserRow;
import io.keyway.gateway.identity.Validation;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/users}: tenant administration, admins only. */
final class UserRoutes {
  private final UserAdmin users;

  UserRoutes(UserAdmin users) {
    this.users = users;
  }

  void mount(Router router, AuthGuard guard) {
    var admin = AuthGuard.role(Role.ADMIN);
    router.get("/api/users").handler(guard.ready()).handler(admin).handler(this::list);
    router.post("/api/users").handler(guard.ready()).handler(admin).handler(this::create);
    router.get("/api/users/:id").handler(guard.ready()).handler(admin).handler(this::get);
    router.patch("/api/users/:id").handler(guard.ready()).handler(admin).handler(this::update);
    router.delete("/api/users/:id").handler(guard.ready()).handler(admin).handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    users.list(AuthGuard.principal(ctx))
        .onSuccess(list -> Replies.json(ctx, 200, new JsonArray(list.stream().map(UserRow::toAdminJson).toList())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    users.get(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"))
        .onSuccess(u -> Replies.json(ctx, 200, u.toAdminJson()))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    NewUser user = new NewUser(
        Validation.email("email", body.string("email")),
        Validation.displayName("displayName", body.string("displayName")),
        Role.parse("role", body.string("role")),
        body.optString("password").map(p -> Validation.newPassword("password", p)),
        body.optBoolean("mustResetPassword").orElse(true));
    users.create(AuthGuard.principal(ctx), user)
        .onSuccess(created -> Replies.json(ctx, 201, created.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    var id = RequestBody.pathId(ctx, "id");
    RequestBody body = RequestBody.of(ctx);
    var role = body.optString("role").map(r -> Role.parse("role", r));
    var disabled = body.optBoolean("disabled");
    var displayName = body.optString("displayName").map(n -> Validation.displayName("displayName", n));
    users.update(AuthGuard.principal(ctx), id, role, disabled, displayName)
        .onSuccess(u -> Replies.json(ctx, 200, u.toAdminJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    users.delete(AuthGuard.principal(ctx), RequestBody.pathId(ctx, "id"))
        .onSuccess(x -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }
}

package io.keyway.gateway.identity;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.keyway.vault.CredentialStore;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenant administration of users, always inside the caller's tenant: a user of another tenant is
 * invisible (row-level security and the tenant-scoped queries both say so) and answers 404. The
 * last active admin can be neither demoted, disabled nor deleted, and nobody deletes or disables
 * themselves; these checks lock the tenant's admins so two concurrent changes cannot both pass.
 */
public final class UserAdmin {
  private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final IdentityChanges changes;
  private final AuditTrail audit;
  private final CredentialStore credentials;
  private final TenantScope db;
  private final PasswordWorkers passwords;

  public UserAdmin(IdentityChanges changes, AuditTrail audit, TenantScope db, PasswordWorkers passwords,
      CredentialStore credentials) {
    this.changes = changes;
    this.audit = audit;
    this.credentials = credentials;
    this.db = db;
    this.passwords = passwords;
  }

  public Future<List<UserRow>> list(Principal admin) {
    return db.inTenant(admin.tenantId(), c -> c.preparedQuery(IdentitySql.USERS_LIST).execute())
        .map(rows -> {
          List<UserRow> out = new ArrayList<>();
          rows.forEach(r -> out.add(UserRow.from(r)));
          return out;
        });
  }

  public Future<UserRow> get(Principal admin, UUID id) {
    return db.inTenant(admin.tenantId(), c -> find(c, id));
  }

  public Future<CreatedUser> create(Principal admin, NewUser user) {
    return insert(admin.tenantId(), user, AuditTrail.actor(admin));
  }

  /** The CLI's create-user: finds or creates the tenant by name, then the user. */
  public Future<CreatedUser> createInTenantNamed(String tenantName, NewUser user) {
    return db.unscoped(c -> c.preparedQuery(IdentitySql.TENANT_NAMED).execute(Tuple.of(tenantName)))
        .compose(rows -> {
          UUID existing = rows.iterator().next().getUUID("tenant_id");
          if (existing != null) {
            return Future.succeededFuture(existing);
          }
          UUID id = UUID.randomUUID();
          return db.inTenant(id, c -> c.preparedQuery(IdentitySql.TENANT_INSERT).execute(Tuple.of(id, tenantName)))
              .map(id)
              .recover(e -> isUniqueViolation(e) // created concurrently: use that one
                  ? db.unscoped(c -> c.preparedQuery(IdentitySql.TENANT_NAMED).execute(Tuple.of(tenantName)))
                      .map(r -> r.iterator().next().getUUID("tenant_id"))
                  : Future.failedFuture(e));
        })
        .compose(tenantId -> insert(tenantId, user, AuditTrail.CLI));
  }

  private Future<CreatedUser> insert(UUID tenantId, NewUser user, String actor) {
    Optional<String> generated = user.password().isPresent() ? Optional.empty() : Optional.of(generatePassword());
    String password = user.password().orElseGet(generated::get);
    UUID id = UUID.randomUUID();
    return passwords.hash(password)
        .compose(hash -> db.inTenant(tenantId, c -> c.preparedQuery(IdentitySql.USER_INSERT)
                .execute(Tuple.from(List.of(id, tenantId, user.email(), user.displayName(), user.role().wire(), hash,
                    user.mustResetPassword())))
                .compose(x -> find(c, id)))
            .recover(e -> isUniqueViolation(e)
                ? Future.failedFuture(KeywayException.conflict("a user with this email already exists"))
                : Future.failedFuture(e)))
        .compose(row -> audit.userCreated(tenantId, actor, row).map(new CreatedUser(row, generated)));
  }

  /** Changes role, disabled flag or display name; the last-admin and self rules apply. */
  public Future<UserRow> update(Principal admin, UUID id, Optional<Role> role, Optional<Boolean> disabled,
      Optional<String> displayName) {
    return db.inTenant(admin.tenantId(), c -> activeAdmins(c).compose(admins ->
        c.preparedQuery(IdentitySql.USER_FOR_UPDATE).execute(Tuple.of(id)).compose(locked -> find(c, id)).compose(before -> {
          Role newRole = role.orElse(before.role());
          boolean newDisabled = disabled.orElse(before.disabled());
          if (newDisabled && id.equals(admin.userId())) {
            return Future.failedFuture(KeywayException.conflict("you cannot disable yourself"));
          }
          boolean staysActiveAdmin = newRole == Role.ADMIN && !newDisabled;
          if (admins.contains(id) && !staysActiveAdmin && admins.size() == 1) {
            return Future.failedFuture(KeywayException.conflict("this is the tenant's last admin"));
          }
          return c.preparedQuery(IdentitySql.USER_UPDATE)
              .execute(Tuple.of(id, newRole.wire(), newDisabled, displayName.orElse(before.displayName())))
              .compose(x -> find(c, id))
              .map(after -> new UserRow[] {before, after});
        })))
        .compose(pair -> {
          changes.userChanged(id);
          return audit.userChanged(admin, pair[0], pair[1]).map(pair[1]);
        });
  }

  public Future<Void> delete(Principal admin, UUID id) {
    if (id.equals(admin.userId())) {
      // a foreign id must not learn it would have been "self": it is not the caller's id, so this
      // branch only ever fires for the caller's own account
      return Future.failedFuture(KeywayException.conflict("you cannot delete yourself"));
    }
    return db.inTenant(admin.tenantId(), c -> activeAdmins(c).compose(admins ->
        c.preparedQuery(IdentitySql.USER_DELETE).execute(Tuple.of(id)).compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(KeywayException.notFound("user"));
          }
          if (admins.contains(id) && admins.size() == 1) {
            return Future.failedFuture(KeywayException.conflict("this is the tenant's last admin"));
          }
          return Future.<Void>succeededFuture();
        })))
        .compose(x -> {
          changes.userChanged(id);
          // a deleted person's venue keys go with them
          return credentials.unlinkAll(admin.tenantId(), id).compose(n -> audit.userDeleted(admin, id));
        });
  }

  private static Future<List<UUID>> activeAdmins(SqlConnection c) {
    return c.preparedQuery(IdentitySql.ACTIVE_ADMINS_FOR_UPDATE).execute().map(UserAdmin::ids);
  }

  private static List<UUID> ids(RowSet<Row> rows) {
    List<UUID> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getUUID("id")));
    return out;
  }

  private static Future<UserRow> find(SqlConnection c, UUID id) {
    return c.preparedQuery(IdentitySql.USER_BY_ID).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(KeywayException.notFound("user"))
        : Future.succeededFuture(UserRow.from(rows.iterator().next())));
  }

  static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  static String generatePassword() {
    StringBuilder sb = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      sb.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
    }
    return sb.toString();
  }
}

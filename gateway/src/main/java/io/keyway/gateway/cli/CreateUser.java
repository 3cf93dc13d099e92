package io.keyway.gateway.cli;

import io.keyway.config.ConfigLoader;
import io.keyway.config.KeywayConfig;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.CreatedUser;
import io.keyway.gateway.identity.IdentityChanges;
import io.keyway.gateway.identity.NewUser;
import io.keyway.gateway.identity.Role;
import io.keyway.gateway.identity.UserAdmin;
import io.keyway.gateway.identity.Validation;
import java.io.PrintStream;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** {@code keyway create-user}: works whether or not a gateway runs on the same data dir. */
final class CreateUser {
  private static final String HELP = """
      Usage: keyway create-user EMAIL [--password P] [--no-reset] [--role admin|operator|viewer]
                                      [--tenant NAME] [--config FILE]

        --password P   the initial password (12-128 characters); without it one is generated
                       and printed once
        --no-reset     do not force a password change at first login
        --role R       admin, operator (default) or viewer
        --tenant NAME  the tenant to create the user in, created if new (default: "default")
      """;

  private CreateUser() {}

  static int run(Deque<String> args, PrintStream out, PrintStream err) throws Exception {
    if (Options.wantsHelp(args)) {
      out.print(HELP);
      return Keyway.EXIT_OK;
    }
    Options o = Options.parse(args, List.of("--password", "--role", "--tenant", "--config"), List.of("--no-reset"));
    if (o.positional().size() != 1) {
      throw new UsageException("expected exactly one EMAIL (try --help)");
    }
    NewUser user;
    String tenant;
    try {
      String email = Validation.email("EMAIL", o.positional().get(0));
      user = new NewUser(email, email.substring(0, email.indexOf('@')),
          Role.parse("--role", o.value("--role").orElse("operator")),
          o.value("--password").map(p -> Validation.newPassword("--password", p)),
          !o.flag("--no-reset"));
      tenant = Validation.tenantName("--tenant", o.value("--tenant").orElse("default"));
    } catch (KeywayException e) {
      throw new UsageException(e.getMessage());
    }
    KeywayConfig config = ConfigLoader.load(Keyway.configFile(o));
    try (AdminRuntime runtime = AdminRuntime.open(config)) {
      CreatedUser created;
      try {
        created = runtime.await(new UserAdmin(IdentityChanges.NOTHING_CACHED, runtime.audit, runtime.scope,
            runtime.passwords, runtime.credentials).createInTenantNamed(tenant, user));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof KeywayException k) {
          err.println("keyway create-user: " + k.getMessage());
          return Keyway.EXIT_FAILED;
        }
        throw e;
      }
      out.println("Created " + created.user().role().wire() + " " + created.user().email()
          + " in tenant '" + created.user().tenantName() + "' (id " + created.user().id() + ")");
      created.generatedPassword().ifPresent(p -> out.println("Password (shown once): " + p));
      if (created.user().mustResetPassword()) {
        out.println("They must choose a new password at first login.");
      }
      return Keyway.EXIT_OK;
    }

  }
}

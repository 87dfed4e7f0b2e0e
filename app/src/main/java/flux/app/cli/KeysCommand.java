package flux.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.tenancy.ApiKey;
import flux.tenancy.IssuedKey;
import flux.tenancy.Role;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage API keys (each maps to a tenant and a role). Works on the database directly;"
                + " each change is recorded in flux.audit_log.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key and print it once; only its hash is stored.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--tenant", required = true, description = "Tenant the key acts for.")
        String tenant;
        @Option(names = "--role", defaultValue = "read-write",
                description = "read-only, read-write or admin (default ${DEFAULT-VALUE}).")
        String role;
        @Option(names = "--name", description = "A label to recognise the key by in listings.")
        String name;

        @Override
        public Integer call() throws SQLException {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            IssuedKey issued;
            try (AdminContext admin = AdminContext.open(database).installSchema()) {
                issued = admin.get(KeyAdministration.class).create(AuditLog.CLI, tenant, parsed, name);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(issued.token());
            spec.commandLine().getErr().printf("key %s for tenant %s (%s); this is the only time it is shown%n",
                    issued.key().id(), tenant, parsed.label());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<ApiKey> keys;
            try (AdminContext admin = AdminContext.open(database).installSchema()) {
                keys = admin.get(KeyAdministration.class).list();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json().writeValueAsString(keys));
            } else {
                out.printf("%-8s  %-20s  %-10s  %-20s  %s%n", "ID", "TENANT", "ROLE", "CREATED", "STATE");
                for (ApiKey k : keys) {
                    out.printf("%-8s  %-20s  %-10s  %-20s  %s%n", k.id(), k.tenantId(), k.role().label(),
                            k.createdAt().toString().substring(0, 19).replace('T', ' '),
                            k.revoked() ? "revoked " + k.revokedAt().toString().substring(0, 19).replace('T', ' ')
                                    : "active" + (k.name() == null ? "" : "  " + k.name()));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Parameters(paramLabel = "ID", description = "The key's id (as `flux keys list` shows it).")
        String id;

        @Override
        public Integer call() {
            ApiKey key;
            try (AdminContext admin = AdminContext.open(database).installSchema()) {
                key = admin.get(KeyAdministration.class).revoke(AuditLog.CLI, id)
                        .orElseThrow(() -> new CliFailure("no API key with id " + id));
            }
            spec.commandLine().getOut().printf("revoked key %s (tenant %s)%n", key.id(), key.tenantId());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}

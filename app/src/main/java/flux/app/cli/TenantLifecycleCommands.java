package flux.app.cli;

import flux.app.records.AuditLog;
import flux.app.records.TenantLifecycle;
import flux.tenancy.Tenant;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux tenants credentials | delete | undelete | purge | extensions}: a tenant's life after
 * {@code create}, over {@link TenantLifecycle}. Each change is recorded in {@code flux.audit_log}.
 */
final class TenantLifecycleCommands {
    private TenantLifecycleCommands() {
    }

    /** What every lifecycle command has: the database, {@code --json}, and one way to run and answer. */
    abstract static class LifecycleCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        /** Runs {@code work} on the lifecycle of the database {@code database} names; bad input is a usage error. */
        <T> T run(Function<TenantLifecycle, T> work) {
            return withLifecycle(spec, database, work);
        }

        /** Prints {@code value} as JSON with {@code --json}, else {@code text}. */
        int answer(Object value, String text) throws Exception {
            if (json) {
                printJson(spec, value);
            } else {
                spec.commandLine().getOut().println(text);
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }

    static <T> T withLifecycle(CommandSpec spec, DatabaseOptions database, Function<TenantLifecycle, T> work) {
        try (AdminContext admin = AdminContext.open(database).installSchema()) {
            return work.apply(admin.get(TenantLifecycle.class));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static void printJson(CommandSpec spec, Object value) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println(KeysCommand.json().writeValueAsString(value));
        out.flush();
    }

    /** Prints issued credentials: the connection string on stdout (once: the password is not stored), the rest on stderr. */
    static void printCredentials(CommandSpec spec, TenantLifecycle.Credentials credentials, boolean json) throws Exception {
        if (json) {
            printJson(spec, credentials);
            return;
        }
        spec.commandLine().getOut().println(credentials.connectionString());
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().printf("login %s for schema %s, at most %d connections; %s%n", credentials.role(),
                credentials.schema(), credentials.connectionLimit(), credentials.password() != null
                        ? "this is the only time the password is shown"
                        : "its password is not stored and is not shown again (--rotate sets a new one)");
    }

    @Command(name = "credentials", mixinStandardHelpOptions = true,
            description = {"A schema tenant's own PostgreSQL login (role tl_<id>): created with a generated password",
                    "when missing, and its connection string printed once. Only PostgreSQL's SCRAM verifier is kept."})
    static final class Credentials extends LifecycleCommand {
        @Parameters(paramLabel = "TENANT")
        String tenant;
        @Option(names = "--rotate", description = "Set a new password; the old one stops working at once.")
        boolean rotate;
        @Option(names = "--connection-limit", paramLabel = "N",
                description = "Most sessions the login may hold (default: kept; for a new login flux.tenancy.connection-limit, 10).")
        Integer connectionLimit;
        @Option(names = "--host", paramLabel = "HOST:PORT",
                description = "Address for the connection string (default: the one this command connects to).")
        String host;

        @Override
        public Integer call() throws Exception {
            TenantLifecycle.Credentials issued = run(l -> l.credentials(AuditLog.CLI, tenant, rotate, connectionLimit, host));
            printCredentials(spec, issued, json);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a tenant: its keys are revoked, a schema tenant's login disabled, its sessions ended",
                    "and its roles cut off from its schema, at once. Its data and history are kept until `purge`",
                    "after the tombstone period; `undelete` restores it until then."})
    static final class Delete extends LifecycleCommand {
        @Parameters(paramLabel = "TENANT")
        String tenant;
        @Option(names = "--keep", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long to keep the tombstone, e.g. 30d, 12h, 0s (default flux.tenancy.tombstone, 30d).")
        Duration keep;

        @Override
        public Integer call() throws Exception {
            Tenant t = run(l -> l.delete(AuditLog.CLI, tenant, keep));
            return answer(t, "tenant " + t.id() + " deleted; kept until " + t.purgeAfter() + " (flux tenants undelete "
                    + t.id() + " restores it)");
        }
    }

    @Command(name = "undelete", mixinStandardHelpOptions = true,
            description = {"Restore a deleted tenant before it is purged. Its keys stay revoked and its login disabled:",
                    "issue new keys, and new credentials with `credentials --rotate`."})
    static final class Undelete extends LifecycleCommand {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        public Integer call() throws Exception {
            Tenant t = run(l -> l.undelete(AuditLog.CLI, tenant));
            return answer(t, "tenant " + t.id() + " restored (" + t.isolation().label() + "); issue new keys"
                    + (t.isolation() == flux.tenancy.TenantScope.Isolation.SCHEMA
                            ? " and `flux tenants credentials " + t.id() + " --rotate` for its login" : ""));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Drop deleted tenants whose tombstone period is over: schema and roles, or rows; history; keys;",
                    "the tenant. Interrupted, run it again: it finishes what it started."})
    static final class Purge extends LifecycleCommand {
        @Override
        public Integer call() throws Exception {
            List<String> purged = run(l -> l.purge(AuditLog.CLI));
            return answer(purged, purged.isEmpty() ? "no tombstone is due" : "purged " + String.join(", ", purged));
        }
    }

    @Command(name = "extensions", mixinStandardHelpOptions = true,
            description = {"The extensions tenants may use (installed in schema flux_extensions; tenants cannot create any).",
                    "Without options: list them."})
    static final class Extensions extends LifecycleCommand {
        @Option(names = "--allow", paramLabel = "NAME", description = "Install an extension for tenants.")
        String allow;
        @Option(names = "--withdraw", paramLabel = "NAME",
                description = "Drop an allowed extension (refused while tenants' objects depend on it).")
        String withdraw;

        @Override
        public Integer call() throws Exception {
            if (allow != null && withdraw != null) {
                throw new ParameterException(spec.commandLine(), "--allow or --withdraw, not both");
            }
            List<String> names = run(l -> allow != null ? l.changeExtension(AuditLog.CLI, allow, true)
                    : withdraw != null ? l.changeExtension(AuditLog.CLI, withdraw, false) : l.extensions());
            return answer(names, names.isEmpty() ? "(none)" : String.join("\n", names));
        }
    }
}

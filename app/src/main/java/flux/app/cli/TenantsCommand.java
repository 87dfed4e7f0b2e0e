package flux.app.cli;

import flux.app.records.AuditLog;
import flux.app.records.TenantAdministration;
import flux.app.records.TenantLifecycle;
import flux.tenancy.Tenant;
import flux.tenancy.TenantScope;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Provision tenants (isolation mode, storage quota, a direct login), measure their storage, delete and"
                + " restore them, back them up."
                + " Works on the database directly; each create or update is recorded in flux.audit_log.",
        subcommands = {TenantsCommand.Create.class, TenantsCommand.ListTenants.class,
                TenantLifecycleCommands.Credentials.class, TenantLifecycleCommands.Delete.class,
                TenantLifecycleCommands.Undelete.class, TenantLifecycleCommands.Purge.class,
                TenantLifecycleCommands.Extensions.class,
                flux.app.console.TenantBackupCommands.Backup.class, flux.app.console.TenantBackupCommands.Restore.class})
public final class TenantsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code 5000}, {@code 512KB}, {@code 10MB}, {@code 2GB} (powers of 1024), or {@code none}. */
    static Long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.equals("NONE")) {
            return null;
        }
        long unit = 1;
        for (String[] u : new String[][] {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"B", "1"}}) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).strip();
                break;
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid size \"" + text + "\" (e.g. 5000, 512KB, 10MB, 2GB, none)");
        }
    }

    static void print(PrintWriter out, List<Tenant> tenants) {
        out.printf("%-24s  %-6s  %14s  %14s  %s%n", "TENANT", "MODE", "QUOTA", "USED", "MEASURED");
        for (Tenant t : tenants) {
            out.printf("%-24s  %-6s  %14s  %14s  %s%n", t.id(), t.isolation().label(),
                    t.quotaBytes() == null ? "-" : t.quotaBytes(), t.usedBytes() == null ? "-" : t.usedBytes(),
                    (t.measuredAt() == null ? "never" : t.measuredAt().toString().substring(0, 19).replace('T', ' '))
                            + (t.overQuota() ? "  OVER QUOTA" : ""));
        }
        out.flush();
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a tenant, or change its mode or quota, in one step (idempotent).",
                    "schema: creates schema t_<id>_api and role t_<id>; row: the runtime role and the",
                    "row-level policies on every table with a tenant_id column."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Parameters(paramLabel = "TENANT", description = "Tenant id: 1-63 letters, digits, '_' or '-'.")
        String tenant;
        @Option(names = "--mode", defaultValue = "row", description = "row or schema (default ${DEFAULT-VALUE}).")
        String mode;
        @Option(names = "--quota", defaultValue = "none",
                description = "Storage quota: bytes, or with KB/MB/GB, or none (default ${DEFAULT-VALUE}).")
        String quota;
        @Option(names = "--login", description = "Schema mode: also give the tenant its own PostgreSQL login (as"
                + " `flux tenants credentials`) and print its connection string once.")
        boolean login;
        @Option(names = "--connection-limit", paramLabel = "N",
                description = "With --login: most sessions the login may hold (default flux.tenancy.connection-limit, 10).")
        Integer connectionLimit;
        @Option(names = "--host", paramLabel = "HOST:PORT",
                description = "With --login: address for the connection string (default: the one this command connects to).")
        String host;
        @Option(names = "--json", description = "Machine-readable output: the tenant, or with --login its credentials.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            TenantScope.Isolation isolation;
            Long quotaBytes;
            try {
                isolation = TenantScope.Isolation.parse(mode.strip().toLowerCase(Locale.ROOT));
                quotaBytes = parseSize(quota);
                flux.tenancy.TenantSchemas.roleOf(tenant); // validates the id before any SQL
                if (isolation == TenantScope.Isolation.SCHEMA) {
                    flux.tenancy.TenantSchemas.requireSchemaTenantId(tenant);
                } else if (login) {
                    throw new IllegalArgumentException("--login needs --mode schema: a row-level tenant shares tables");
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Tenant t;
            TenantLifecycle.Credentials credentials = null;
            try (AdminContext admin = AdminContext.open(database).installSchema()) {
                t = admin.get(TenantAdministration.class).provision(AuditLog.CLI, tenant, isolation, quotaBytes);
                if (login) {
                    credentials = admin.get(TenantLifecycle.class).credentials(AuditLog.CLI, tenant, false,
                            connectionLimit, host);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (credentials != null) {
                TenantLifecycleCommands.printCredentials(spec, credentials, json);
                return ExitCodes.OK;
            }
            if (json) {
                TenantLifecycleCommands.printJson(spec, t);
                return ExitCodes.OK;
            }
            spec.commandLine().getOut().printf("tenant %s: %s%s%s%n", t.id(), isolation.label(),
                    isolation == TenantScope.Isolation.SCHEMA ? " (schema "
                            + flux.tenancy.TenantSchemas.schemaOf(tenant) + ", role "
                            + flux.tenancy.TenantSchemas.roleOf(tenant) + ")" : "",
                    quotaBytes == null ? ", no quota" : ", quota " + quotaBytes + " bytes");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List tenants with their mode, quota and last measured storage.")
    static final class ListTenants implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--measure",
                description = "Measure every tenant's storage now and record it first (the server does this periodically).")
        boolean measure;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (AdminContext admin = AdminContext.open(database).installSchema()) {
                TenantAdministration tenants = admin.get(TenantAdministration.class);
                List<Tenant> listed = measure ? tenants.measureAll() : tenants.list();
                if (json) {
                    TenantLifecycleCommands.printJson(spec, listed);
                } else {
                    print(spec.commandLine().getOut(), listed);
                }
            }
            return ExitCodes.OK;
        }
    }
}

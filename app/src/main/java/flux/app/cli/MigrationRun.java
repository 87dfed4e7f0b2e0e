package flux.app.cli;

import flux.app.records.RecordsFailures;
import flux.tenancy.Tenant;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import flux.migrate.MigrationFile;
import flux.migrate.MigrationReport;
import flux.migrate.Migrator;
import io.micronaut.data.exceptions.DataAccessException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The forward run shared by {@code db migrate} and {@code push} (plan, dry run, or apply), and
 * the migrator every migration command runs: the database's own, or a schema tenant's.
 */
final class MigrationRun {
    private MigrationRun() {
    }

    /** A migrator and how to name what it runs against in output ({@code postgresql://... (tenant T, ...)}). */
    record Target(Migrator migrator, String display) {
    }

    /**
     * The database's migrator, or with {@code tenant} the migrator of that schema-mode tenant's
     * schema (its own ledger rows). An unknown tenant, or one without a schema, is a CLI failure
     * saying what to do, before anything runs.
     */
    static Target target(DatabaseOptions database, MigrationOptions limits, String tenant) {
        DataSource dataSource = database.dataSource();
        Migrator migrator = new Migrator(dataSource, limits.settings());
        String display = database.resolve().display();
        if (tenant == null) {
            return new Target(migrator, display);
        }
        String schema = tenantSchema(database, tenant);
        return new Target(migrator.forTenant(tenant, schema),
                display + " (tenant " + tenant + ", schema " + schema + ")");
    }

    static int forward(CommandSpec spec, DatabaseOptions database, MigrationOptions limits,
                       List<MigrationFile> files, boolean plan, boolean dryRun, boolean force) {
        return forward(spec, database, limits, files, plan, dryRun, force, null);
    }

    /** @param tenant a schema-mode tenant whose schema the files run in (its own ledger rows); null: none */
    static int forward(CommandSpec spec, DatabaseOptions database, MigrationOptions limits,
                       List<MigrationFile> files, boolean plan, boolean dryRun, boolean force, String tenant) {
        if (plan && dryRun) {
            throw new ParameterException(spec.commandLine(), "--plan and --dry-run exclude each other");
        }
        Target target = target(database, limits, tenant);
        Migrator migrator = target.migrator();
        MigrationPrinter printer = new MigrationPrinter(spec.commandLine().getOut());
        if (plan) {
            printer.plan(migrator.plan(files, force), target.display());
        } else if (dryRun) {
            MigrationReport report = migrator.dryRun(files, force);
            report.outcomes().forEach(printer::outcome);
            printer.summary(report, target.display());
        } else {
            printer.summary(migrator.migrate(files, force, printer::outcome), target.display());
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The schema of a provisioned schema-mode tenant; a CLI failure saying what is wrong otherwise. */
    private static String tenantSchema(DatabaseOptions database, String tenant) {
        Optional<Tenant> found;
        try (AdminContext admin = AdminContext.open(database)) {
            found = admin.get(TenantDirectory.class).find(tenant);
        } catch (DataAccessException e) {
            if (!RecordsFailures.UNDEFINED_TABLE.equals(RecordsFailures.sqlState(e))) {
                throw new CliFailure("cannot read the tenants: " + e.getMessage(), e);
            }
            found = Optional.empty(); // flux.tenants comes with the first server start: no tenant yet
        }
        if (found.isEmpty()) {
            throw new CliFailure("unknown tenant " + tenant + " (`flux tenants list` shows them); a schema tenant"
                    + " is made with `flux tenants create " + tenant + " --mode schema`");
        }
        if (found.get().isolation() != TenantScope.Isolation.SCHEMA) {
            throw new CliFailure("tenant " + tenant + " is row-level and has no schema of its own; provision"
                    + " it first with `flux tenants create " + tenant + " --mode schema`");
        }
        return TenantSchemas.schemaOf(tenant);
    }
}

package flux.app.cli;

import flux.query.migrate.MigrationFile;
import flux.query.migrate.MigrationReport;
import flux.query.migrate.Migrator;
import java.util.List;
import flux.query.access.Tenant;
import flux.query.access.TenantDirectory;
import flux.query.access.TenantSchemas;
import flux.query.access.TenantScope;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The forward run shared by {@code db migrate} and {@code push}: plan, dry run, or apply. */
final class MigrationRun {
    private MigrationRun() {
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
        DataSource dataSource = database.dataSource();
        String target = database.resolve().display();
        Migrator migrator = new Migrator(dataSource, limits.settings());
        if (tenant != null) {
            migrator = migrator.forTenant(tenant, tenantSchema(dataSource, tenant));
            target = target + " (tenant " + tenant + ", schema " + TenantSchemas.schemaOf(tenant) + ")";
        }
        MigrationPrinter printer = new MigrationPrinter(spec.commandLine().getOut());
        if (plan) {
            printer.plan(migrator.plan(files, force), target);
        } else if (dryRun) {
            MigrationReport report = migrator.dryRun(files, force);
            report.outcomes().forEach(printer::outcome);
            printer.summary(report, target);
        } else {
            printer.summary(migrator.migrate(files, force, printer::outcome), target);
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The schema of a provisioned schema-mode tenant; a CLI failure saying how to provision otherwise. */
    private static String tenantSchema(DataSource dataSource, String tenant) {
        try {
            for (Tenant t : new TenantDirectory(dataSource, Duration.ZERO).list()) {
                if (t.id().equals(tenant) && t.isolation() == TenantScope.Isolation.SCHEMA) {
                    return TenantSchemas.schemaOf(tenant);
                }
            }
        } catch (SQLException e) {
            throw new CliFailure("cannot read the tenants: " + e.getMessage(), e);
        }
        throw new CliFailure("tenant " + tenant + " has no schema of its own; provision it first with"
                + " `flux tenants create " + tenant + " --mode schema`");
    }
}

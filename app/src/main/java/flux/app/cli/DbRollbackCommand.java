package flux.app.cli;

import flux.migrate.MigrationReport;
import flux.migrate.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback",
        mixinStandardHelpOptions = true,
        description = {"Undo migrations with their down files.",
                "Undoes the last applied migration with its NNN_name.down.sql, or every migration applied after",
                "--to VERSION (--to 0: all), newest first. Each down file commits with the removal of its ledger",
                "row. Nothing runs unless every migration to undo has a down file.",
                "With --tenant, undoes a schema-mode tenant's migrations in its schema, by its own ledger rows."})
final class DbRollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratingTarget migration;

    @Option(names = "--to", paramLabel = "VERSION", description = "Keep this version applied; undo those after it.")
    String to;

    @Option(names = "--plan", description = "Print what would be undone; run nothing.")
    boolean plan;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "Undo in this schema-mode tenant's schema (t_<id>_api), by its own ledger rows.")
    String tenant;

    @Override
    public Integer call() {
        var files = migration.files();
        Version target = to == null ? null : Version.of(to.strip());
        MigrationRun.Target where = migration.where(tenant);
        MigrationPrinter printer = new MigrationPrinter(spec.commandLine().getOut());
        if (plan) {
            printer.plan(where.migrator().rollbackPlan(files, target), where.display());
        } else {
            MigrationReport report = where.migrator().rollback(files, target, printer::outcome);
            printer.summary(report, where.display());
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

package flux.app.cli;

import flux.query.migrate.MigrationFile;
import flux.query.migrate.MigrationReport;
import flux.query.migrate.Migrator;
import java.util.List;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The forward run shared by {@code db migrate} and {@code push}: plan, dry run, or apply. */
final class MigrationRun {
    private MigrationRun() {
    }

    static int forward(CommandSpec spec, DatabaseOptions database, MigrationOptions limits,
                       List<MigrationFile> files, boolean plan, boolean dryRun, boolean force) {
        if (plan && dryRun) {
            throw new ParameterException(spec.commandLine(), "--plan and --dry-run exclude each other");
        }
        DataSource dataSource = database.dataSource();
        String target = database.resolve().display();
        Migrator migrator = new Migrator(dataSource, limits.settings());
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
}

package flux.app.cli;

import flux.migrate.ForeignLedger;
import flux.migrate.ImportReport;
import flux.migrate.MigrationException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "import",
        mixinStandardHelpOptions = true,
        description = {"Switch from golang-migrate or Flyway without re-running anything: read that tool's ledger",
                "(schema_migrations, flyway_schema_history) and record the same migrations in Flux's, with",
                "checksums from the files at hand. A version the tool marks failed is recorded dirty."})
final class DbImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratingTarget migration;

    @Option(names = "--from", required = true, paramLabel = "TOOL", description = "golang-migrate or flyway.")
    String from;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "The tool's ledger, if not its default (schema_migrations, flyway_schema_history); schema.table.")
    String table;

    @Override
    public Integer call() {
        ForeignLedger source;
        try {
            source = ForeignLedger.parse(from);
        } catch (MigrationException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MigrationRun.Target where = migration.where(null);
        ImportReport report = where.migrator().importFrom(migration.files(), source, table);
        PrintWriter out = spec.commandLine().getOut();
        report.applied().forEach(name -> out.println("recorded " + name + " as applied (not run)"));
        report.dirty().forEach(name -> out.println("recorded " + name + " as DIRTY: it failed under " + source.label()));
        report.scripts().forEach(name -> out.println("recorded repeatable " + name));
        report.warnings().forEach(w -> out.println("warning: " + w));
        out.println("imported from " + source.label() + " (" + report.table() + "): " + report.applied().size()
                + " applied, " + report.dirty().size() + " dirty, " + report.scripts().size() + " repeatable; "
                + report.alreadyRecorded() + " already recorded, into " + where.display());
        out.flush();
        return ExitCodes.OK;
    }
}

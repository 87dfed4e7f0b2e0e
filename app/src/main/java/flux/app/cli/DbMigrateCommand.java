package flux.app.cli;

import flux.migrate.LintReport;
import flux.migrate.MigrationException;
import flux.migrate.MigrationFile;
import flux.migrate.Migrator;
import flux.migrate.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        description = {"Apply pending migrations in order.",
                "NNN_name.sql (or NNN_name.up.sql) runs once, R__name.sql again whenever it changed.",
                "Each file commits with its ledger row, or not at all."})
final class DbMigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratingTarget migration;

    @Option(names = "--plan", description = "Print what would run, in order, with its transaction mode; run nothing.")
    boolean plan;

    @Option(names = "--dry-run", description = "Run the pending files in one transaction, then roll it back.")
    boolean dryRun;

    @Option(names = "--force", description = "Also re-run repeatable scripts that did not change.")
    boolean force;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "Apply the files in this schema-mode tenant's schema (t_<id>_api), with its own ledger rows.")
    String tenant;

    @Mixin
    LintOptions lint;

    @Option(names = "--strict", description = "Lint the pending files first; when anything is flagged, run nothing"
            + " (exit 1). With --plan: exit 1 when anything is flagged.")
    boolean strict;

    @Option(names = "--no-lint", description = "With --plan: leave out the lint of the pending files.")
    boolean noLint;

    @Option(names = "--accept-checksum", paramLabel = "VERSION",
            description = "Record the current text of an applied, edited file as applied (after checking that"
                    + " the edit changes nothing in the database), then migrate.")
    String acceptChecksum;

    @Override
    public Integer call() {
        List<MigrationFile> files = migration.files();
        if (acceptChecksum != null && tenant != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--accept-checksum applies to the database's own ledger; not with --tenant");
        }
        if (acceptChecksum != null) {
            accept(files, Version.of(acceptChecksum.strip()));
        }
        if (strict && !plan && tenant == null && flagged(files)) {
            spec.commandLine().getOut().println("nothing was run: lint flagged the pending files (--strict)");
            spec.commandLine().getOut().flush();
            return ExitCodes.FAILED;
        }
        int exit = MigrationRun.forward(spec, migration.database, migration.limits, files, plan, dryRun, force, tenant);
        return plan && !noLint && tenant == null && flagged(files) && strict ? ExitCodes.FAILED : exit;
    }

    /**
     * Lints the pending files and prints what it flags; a lint that cannot run (no CREATEDB, a file
     * that fails on the migrations' schema) is said in a line and flags nothing.
     */
    private boolean flagged(List<MigrationFile> files) {
        List<String> notes = new ArrayList<>();
        LintReport report;
        try {
            report = lint.run(migration.database, files, notes);
        } catch (MigrationException e) {
            spec.commandLine().getOut().println("lint skipped: " + e.getMessage());
            return false;
        }
        if (!report.files().isEmpty()) {
            new LintPrinter(spec.commandLine().getOut()).text(report, lint.largeRows);
        }
        return !report.findings().isEmpty();
    }

    private void accept(List<MigrationFile> files, Version version) {
        MigrationFile file = files.stream().filter(f -> version.equals(f.version())).findFirst()
                .orElseThrow(() -> new CliFailure("no migration file with version " + version + " in " + migration.directory.dir));
        if (!new Migrator(migration.database.dataSource(), migration.limits.settings()).acceptChecksum(file)) {
            throw new CliFailure("version " + version + " is not applied; nothing to accept");
        }
        spec.commandLine().getOut().println("accepted the current checksum of " + file.name() + ": " + file.checksum());
    }
}

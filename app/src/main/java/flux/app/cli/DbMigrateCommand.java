package flux.app.cli;

import flux.migrate.MigrationFile;
import flux.migrate.Migrator;
import flux.migrate.Version;
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
    DatabaseOptions database;

    @Mixin
    MigrationDirectory directory;

    @Mixin
    MigrationOptions limits;

    @Option(names = "--plan", description = "Print what would run, in order, with its transaction mode; run nothing.")
    boolean plan;

    @Option(names = "--dry-run", description = "Run the pending files in one transaction, then roll it back.")
    boolean dryRun;

    @Option(names = "--force", description = "Also re-run repeatable scripts that did not change.")
    boolean force;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "Apply the files in this schema-mode tenant's schema (t_<id>_api), with its own ledger rows.")
    String tenant;

    @Option(names = "--accept-checksum", paramLabel = "VERSION",
            description = "Record the current text of an applied, edited file as applied (after checking that"
                    + " the edit changes nothing in the database), then migrate.")
    String acceptChecksum;

    @Override
    public Integer call() {
        List<MigrationFile> files = directory.files();
        if (acceptChecksum != null && tenant != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--accept-checksum applies to the database's own ledger; not with --tenant");
        }
        if (acceptChecksum != null) {
            accept(files, Version.of(acceptChecksum.strip()));
        }
        return MigrationRun.forward(spec, database, limits, files, plan, dryRun, force, tenant);
    }

    private void accept(List<MigrationFile> files, Version version) {
        MigrationFile file = files.stream().filter(f -> version.equals(f.version())).findFirst()
                .orElseThrow(() -> new CliFailure("no migration file with version " + version + " in " + directory.dir));
        if (!new Migrator(database.dataSource(), limits.settings()).acceptChecksum(file)) {
            throw new CliFailure("version " + version + " is not applied; nothing to accept");
        }
        spec.commandLine().getOut().println("accepted the current checksum of " + file.name() + ": " + file.checksum());
    }
}

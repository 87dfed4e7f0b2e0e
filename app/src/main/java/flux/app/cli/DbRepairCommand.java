package flux.app.cli;

import flux.migrate.AppliedMigration;
import flux.migrate.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "repair", aliases = "force",
        mixinStandardHelpOptions = true,
        description = {"Clear a dirty version after fixing the database by hand.",
                "A file that manages its own transactions (or uses CONCURRENTLY) and fails part-way leaves its",
                "version dirty, and every migrate stops until then. Without --rerun the version counts as applied",
                "(you finished what it did); with --rerun it is forgotten and the next migrate runs it again (you",
                "undid what it did, or it is safe to re-run). `force` is golang-migrate's name for it."})
final class DbRepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratingTarget migration;

    @Parameters(paramLabel = "VERSION", description = "The dirty version (`flux migrations list` shows it).")
    String version;

    @Option(names = "--rerun", description = "Forget the failed run so that the next migrate runs the file again.")
    boolean rerun;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Repair in this schema-mode tenant's ledger.")
    String tenant;

    @Override
    public Integer call() {
        MigrationRun.Target where = migration.where(tenant);
        AppliedMigration was = where.migrator().repair(migration.files(), Version.of(version.strip()), rerun);
        spec.commandLine().getOut().println((rerun ? "forgot the failed run of " : "marked applied: ") + was.name()
                + " (version " + was.version() + ")" + (rerun ? "; the next migrate runs it again" : "")
                + " in " + where.display());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

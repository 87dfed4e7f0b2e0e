package flux.app.cli;

import flux.migrate.MigrationFile;
import flux.migrate.Version;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "baseline",
        mixinStandardHelpOptions = true,
        description = {"Adopt a database whose schema exists already: record every migration up to VERSION as",
                "applied, without running it (checksums from the files at hand). Later files run as usual."})
final class DbBaselineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratingTarget migration;

    @Parameters(paramLabel = "VERSION", description = "The last version the database already has.")
    String version;

    @Override
    public Integer call() {
        MigrationRun.Target where = migration.where(null);
        List<MigrationFile> recorded = where.migrator().baseline(migration.files(), Version.of(version.strip()));
        recorded.forEach(f -> spec.commandLine().getOut().println("recorded " + f.name() + " as applied (not run)"));
        spec.commandLine().getOut().println("baseline: " + recorded.size() + " recorded up to version "
                + version.strip() + " in " + where.display());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

package flux.app.cli;

import flux.migrate.NextMigration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flux migrations create NAME}: the next file (pair), numbered as the directory numbers. No database. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Write the next migration file, numbered the way the directory already numbers them",
                "(sequential with the same width, or timestamps; 001 in an empty directory)."})
final class MigrationsCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "What the migration does, e.g. add_orgs.")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "schema",
            description = "Directory of migration files (default ${DEFAULT-VALUE}; created when missing).")
    Path dir;

    @Option(names = "--down", description = "Write an up/down pair (NNN_name.up.sql, NNN_name.down.sql).")
    boolean down;

    @Option(names = "--repeatable", description = "Write a repeatable script, R__name.sql.")
    boolean repeatable;

    @Override
    public Integer call() {
        List<Path> written = NextMigration.write(dir, name, down, repeatable, Instant.now());
        written.forEach(p -> spec.commandLine().getOut().println("created " + p));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

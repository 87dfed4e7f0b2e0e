package flux.app.cli;

import flux.migrate.InvalidMigration;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push",
        mixinStandardHelpOptions = true,
        description = {"Run a SQL file or a directory of them.",
                "Modes: raw (run, record nothing), versioned (run once, ledger flux.flux_migrations),",
                "repeatable (ledger flux.flux_repeatable_scripts; run again when the file changes or with --force).",
                "Default: a directory is versioned (R__*.sql repeatable); a file is repeatable when named R__*,",
                "versioned when its name starts with a number, raw otherwise."})
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", description = "SQL file or directory.")
    Path path;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = "raw, versioned or repeatable (default: by name).")
    MigrationMode mode;

    @Option(names = "--force", description = "Re-run repeatable scripts even when unchanged.")
    boolean force;

    @Option(names = "--plan", description = "Print what would run, in order, with its transaction mode; run nothing.")
    boolean plan;

    @Option(names = "--dry-run", description = "Run in one transaction, then roll it back.")
    boolean dryRun;

    @Mixin
    DatabaseOptions database;

    @Mixin
    MigrationOptions limits;

    @Override
    public Integer call() {
        return MigrationRun.forward(spec, database, limits, MigrationFiles.read(path, mode), plan, dryRun, force);
    }

    static final class ModeConverter implements ITypeConverter<MigrationMode> {
        @Override
        public MigrationMode convert(String value) {
            try {
                return MigrationMode.parse(value);
            } catch (InvalidMigration e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

package flux.app.cli;

import flux.migrate.MigrationSettings;
import flux.migrate.Migrator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux migrations list}: the files against the ledger; {@code create}: the next file. */
@Command(name = "migrations", mixinStandardHelpOptions = true,
        description = "Inspect migration files against the ledger, or write the next one.",
        subcommands = {MigrationsCommand.ListCommand.class, MigrationsCreateCommand.class})
public final class MigrationsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List migration files with their state.",
                    "Applied, pending, edited after apply, up to date or changed; then applied migrations whose",
                    "file is gone."})
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Mixin
        MigrationDirectory directory;

        @Override
        public Integer call() {
            Migrator migrator = new Migrator(database.dataSource(), MigrationSettings.DEFAULTS);
            new MigrationPrinter(spec.commandLine().getOut()).status(migrator.status(directory.files()));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}

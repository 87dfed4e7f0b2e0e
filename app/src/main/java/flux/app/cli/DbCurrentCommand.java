package flux.app.cli;

import flux.migrate.Migrator;
import flux.migrate.MigrationSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "current", mixinStandardHelpOptions = true,
        description = "Show the database's current version: the last migration applied.")
final class DbCurrentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        Migrator migrator = new Migrator(database.dataSource(), MigrationSettings.DEFAULTS);
        new MigrationPrinter(spec.commandLine().getOut()).current(migrator.history());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

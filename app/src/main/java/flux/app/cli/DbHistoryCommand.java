package flux.app.cli;

import flux.migrate.Migrator;
import flux.migrate.MigrationSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"List applied migrations.", "In the order they were applied, then repeatable scripts' last runs."})
final class DbHistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        Migrator migrator = new Migrator(database.dataSource(), MigrationSettings.DEFAULTS);
        new MigrationPrinter(spec.commandLine().getOut()).history(migrator.history(),
                migrator.repeatableScripts().values());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

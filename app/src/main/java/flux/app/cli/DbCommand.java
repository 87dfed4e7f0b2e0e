package flux.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux db ...}: schema migrations against DATABASE_URL or the running embedded database. */
@Command(name = "db",
        mixinStandardHelpOptions = true,
        description = {"Schema migrations: apply schema/*.sql, roll back, show the ledger.",
                "Uses DATABASE_URL (or --database-url), else the database of a running `flux serve`."},
        subcommands = {DbMigrateCommand.class, DbRollbackCommand.class, DbCurrentCommand.class,
                DbHistoryCommand.class, DbRepairCommand.class, DbBaselineCommand.class,
                DbImportCommand.class, DbDiffCommand.class, DbDriftCommand.class,
                DbLintCommand.class})
public final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

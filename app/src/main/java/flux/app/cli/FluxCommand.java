package flux.app.cli;

import picocli.CommandLine.Command;

/** The root command. Each verb is one class; register new ones in {@code subcommands}. */
@Command(name = "flux",
        mixinStandardHelpOptions = true,
        versionProvider = FluxVersion.class,
        description = "Flux: a change-data service for PostgreSQL.",
        subcommands = {
                ServeCommand.class,
                KeysCommand.class, TenantsCommand.class,
                DbCommand.class, MigrationsCommand.class, PushCommand.class,
                ObserveCommand.class,
                flux.app.cli.state.StateCommand.class, flux.app.cli.state.TailCommand.class,
                CaptureCommand.class,
                flux.app.console.SqlCommand.class,
                picocli.CommandLine.HelpCommand.class,
        })
public final class FluxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

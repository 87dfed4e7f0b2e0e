package flux.app;

import flux.app.cli.EnvironmentDefaults;
import flux.app.cli.FluxCommand;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code flux} executable. Every verb, {@code serve} included, goes through picocli,
 * so {@code --help} never starts a server; {@code serve} starts Micronaut itself.
 */
public final class Flux {
    private Flux() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(System.getenv(), null, null, args);
    }

    /**
     * Runs with the given environment (read by options such as {@code --database-url} through
     * {@link EnvironmentDefaults}) and, when not null, the given output streams: the hook that
     * lets tests run the CLI in-process.
     */
    static int run(Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new FluxCommand());
        cli.setExecutionExceptionHandler(ExitCodes::handle);
        cli.setDefaultValueProvider(new EnvironmentDefaults(environment));
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        return cli.execute(args);
    }
}

package flux.app;

import flux.app.cli.FluxCommand;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
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
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command with its output captured (tests, embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new FluxCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(ExitCodes::handle);
        return cli.execute(args);
    }
}

package flux.bench;

import flux.dev.DevServiceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code flux-bench}: the repository's own benchmarks (results, method and machine in
 * BENCHMARKS.md), an entry point of their own so that none of this ships in the product jar.
 * Each bench starts the services it measures (embedded PostgreSQL, Kafka, an HTTP server through
 * app's classes) in a temporary directory. Exit codes as {@code flux}'s: 0 ok, 1 failed, 2 usage;
 * a failure is one line ({@code flux-bench: ...}), with the stack trace only under {@code FLUX_DEBUG=1}.
 */
@Command(name = "flux-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (each starts its own embedded services in a temporary directory).",
        subcommands = {WriteBench.class, HistoryBench.class, UndoBench.class, CaptureBench.class, SnapshotBench.class, ObserveBench.class, MigrateBench.class,
                LoadBench.class, flux.bench.crash.CrashBench.class, UiBench.class, CommandLine.HelpCommand.class})
public final class Bench implements Runnable {
    static final int OK = 0;
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Bench()).setExecutionExceptionHandler(Bench::failed).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        err.println("flux-bench: " + describe(e));
        if (System.getenv("FLUX_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    /** A failure the bench or a dev service explained says it in its message; anything else names its type too. */
    private static String describe(Exception e) {
        if (e instanceof BenchFailure || e instanceof DevServiceException) {
            return e.getMessage();
        }
        return (e + (e.getCause() != null ? " (caused by " + e.getCause() + ")" : "")).replace('\n', ' ');
    }
}

package flux.app.bench;

import picocli.CommandLine.Command;

/** {@code flux bench}: performance measurements against a private, embedded PostgreSQL. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (each starts its own embedded PostgreSQL in a temporary directory).",
        subcommands = {BenchWriteCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

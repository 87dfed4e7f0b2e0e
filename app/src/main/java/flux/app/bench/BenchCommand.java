package flux.app.bench;

import picocli.CommandLine.Command;

/** {@code flux bench}: the repository's own benchmarks (results, method and machine in BENCHMARKS.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (each starts its own embedded services in a temporary directory).",
        subcommands = {BenchWriteCommand.class, HistoryBench.class, CaptureBenchCommand.class, ObserveBench.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

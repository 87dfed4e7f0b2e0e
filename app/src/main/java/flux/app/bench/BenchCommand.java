package flux.app.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux bench ...}: benchmarks that start their own embedded services. One subcommand per area. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks against embedded services they start themselves (results to stdout).",
        subcommands = {
                HistoryBench.class,
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

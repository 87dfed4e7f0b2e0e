package flux.app.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux bench ...}: benchmarks with their own embedded services. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (each starts its own embedded PostgreSQL and Kafka in a temp directory).",
        subcommands = {CaptureBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}

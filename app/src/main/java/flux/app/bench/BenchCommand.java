package flux.app.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flux bench ...}: the repository's own benchmarks (results in BENCHMARKS*.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks.",
        subcommands = {ObserveBench.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a benchmark: observe");
    }
}

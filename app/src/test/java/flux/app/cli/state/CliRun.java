package flux.app.cli.state;

import flux.app.Cli;
import java.util.Arrays;
import java.util.List;

/**
 * One in-process run of the {@code flux} CLI with its output captured. The CLI writes to writers
 * of its own (never to {@code System.out}), so what other threads of the test JVM log meanwhile
 * (the test server, a leftover of another class) cannot end up in it.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        Cli run = Cli.run(args);
        return new CliRun(run.exitCode(), run.out(), run.err());
    }

    List<String> lines() {
        return Arrays.asList(out.split("\n"));
    }
}

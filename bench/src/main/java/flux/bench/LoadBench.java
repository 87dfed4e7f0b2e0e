package flux.bench;

import flux.bench.crash.CrashBench;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench load}: 256 keep-alive clients for 60 s mixing reads and writes against
 * {@code flux serve} on the embedded default (issue 19); prints throughput, p50/p99, the answers
 * by status (a 5xx fails the run, exit 1) and how busy the machine was. Results: BENCHMARKS.md.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Many keep-alive clients, reads and writes mixed, against flux serve on the embedded default.")
final class LoadBench implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--clients", defaultValue = "256", description = "Concurrent keep-alive clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds of load before the measurement (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--reads", defaultValue = "50", description = "Percent of requests that read (default ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--rows", defaultValue = "10000", description = "Rows loaded before the run (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--jar", description = "The packaged flux.jar (default: app/target/flux.jar of this checkout).")
    Path jar;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (clients < 1 || seconds <= 0 || warmup < 0 || reads < 0 || reads > 100 || rows < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--clients and --rows must be positive, --seconds positive, --warmup at least 0, --reads 0 to 100");
        }
        Path fluxJar = CrashBench.packagedJar(spec, jar);
        Path dir = Files.createTempDirectory("flux-load-");
        LoadRun.Result r = LoadRun.run(new LoadRun.Settings(fluxJar, dir, clients, warmup, seconds, reads, rows));
        print(out, r, clients, seconds, reads);
        return r.fiveXx() == 0 ? Bench.OK : Bench.FAILED;
    }

    static void print(PrintWriter out, LoadRun.Result r, int clients, double seconds, int reads) {
        out.printf(Locale.ROOT, "%n| clients | seconds | reads | requests/s | p50 | p99 | requests | 5xx | other non-200 |%n");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| %d | %.0f | %d%% | %,.0f | %.2f ms | %.2f ms | %,d | %,d | %,d |%n", clients, seconds, reads,
                r.cell().opsPerSecond(), r.cell().p50Millis(), r.cell().p99Millis(), r.cell().operations(), r.fiveXx(),
                r.notOk() - r.fiveXx());
        out.printf(Locale.ROOT, "%nRequests sent (warm-up included): %,d reads, %,d inserts, %,d updates; answers by status %s.%n",
                r.reads(), r.inserts(), r.updates(), r.statuses());
        out.printf(Locale.ROOT, "Machine: load average %s before, %s after; CPUs %s busy during the run (server, PostgreSQL, Kafka and the clients share them).%n",
                r.loadBefore(), r.loadAfter(), r.cpuBusy());
        out.flush();
    }
}

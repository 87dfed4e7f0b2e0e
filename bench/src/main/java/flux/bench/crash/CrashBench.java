package flux.bench.crash;

import flux.bench.MachineMeters;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench reliability}: the long crash-consistency run (docs/reliability.md). Kills the
 * Flux server, then PostgreSQL's postmaster, then the Kafka broker, each with SIGKILL under
 * sustained writes, and checks every write against the table, the mutation log, history and
 * Kafka after each; prints the figures as markdown and exits 1 if any promise was broken. The CI
 * runs the same code for a few seconds per fault ({@code CrashConsistencyIT}).
 */
@Command(name = "reliability", mixinStandardHelpOptions = true,
        description = "Crash consistency: SIGKILL the server, PostgreSQL and Kafka under sustained writes, then check every write.")
public final class CrashBench implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--clients", defaultValue = "64", description = "Concurrent writing clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "180", description = "Seconds of writes per fault, half before the kill and half after the restart (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--faults", split = ",", defaultValue = "flux,postgres,kafka",
            description = "Faults, in order, of flux, postgres, kafka (default ${DEFAULT-VALUE}).")
    List<String> faults;

    @Option(names = "--seed", defaultValue = "19", description = "Seed of the clients' choices (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--history-checks", defaultValue = "5000",
            description = "Acknowledged requests whose history is read back after each fault, besides every unacknowledged one (default ${DEFAULT-VALUE}).")
    int historyChecks;

    @Option(names = "--jar", description = "The packaged flux.jar (default: app/target/flux.jar of this checkout).")
    Path jar;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (clients < 1 || seconds < 2 || historyChecks < 0 || faults.isEmpty()
                || !List.of("flux", "postgres", "kafka").containsAll(faults)) {
            throw new ParameterException(spec.commandLine(),
                    "--clients must be positive, --seconds at least 2, --faults some of flux,postgres,kafka");
        }
        Path fluxJar = packagedJar(spec, jar);
        Path dir = Files.createTempDirectory("flux-reliability-");
        CrashRun.Settings settings = new CrashRun.Settings(fluxJar, dir, clients, Duration.ofSeconds(seconds),
                faults.stream().map(f -> CrashRun.Fault.valueOf(f.toUpperCase(Locale.ROOT))).toList(), seed, historyChecks,
                Duration.ofMinutes(5));
        out.printf("flux-bench reliability: %d clients, %d s per fault, faults %s, seed %d, in %s%n", clients, seconds,
                String.join(",", faults), seed, dir);
        out.flush();
        String loadBefore = MachineMeters.loadAverage();
        long[] ticks = MachineMeters.machineTicks();
        List<CrashRun.FaultResult> results = new CrashRun(settings, out).run();
        CrashReport.print(out, settings, results, "load average " + loadBefore + " before, " + MachineMeters.loadAverage()
                + " after; CPUs " + MachineMeters.busySince(ticks) + " busy during the run");
        return results.stream().allMatch(r -> r.verdict().passed()) ? 0 : 1;
    }

    /** The {@code --jar} given, or {@link #defaultJar()}; a usage error when there is no such file. */
    public static Path packagedJar(picocli.CommandLine.Model.CommandSpec spec, Path given) throws Exception {
        Path fluxJar = given != null ? given : defaultJar();
        if (!Files.isRegularFile(fluxJar)) {
            throw new ParameterException(spec.commandLine(), fluxJar + " does not exist: build it (./flux --help) or give --jar");
        }
        return fluxJar;
    }

    /** {@code <checkout>/app/target/flux.jar}: this class runs from {@code <checkout>/bench/target/...}. */
    public static Path defaultJar() throws Exception {
        Path location = Path.of(CrashBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.getParent().getParent().getParent().resolve("app/target/flux.jar");
    }
}

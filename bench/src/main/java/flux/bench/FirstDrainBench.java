package flux.bench;

import flux.bench.crash.CrashBench;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench capture first-drain}: the drain users feel after a deploy or a crash (issue 27).
 * A fresh {@code flux serve} process (the packaged jar, as a user runs it) starts onto a backlog
 * written while capture was not running; timed from the process's start, and from its first event,
 * to the moment Kafka holds every backlog event. Runs {@code --runs} times per JVM
 * ({@link JvmVariant}: JDK 17, JDK 25, JDK 25 with an AOT cache made by a training run), the JVMs
 * alternating within each round so that a busier minute of the machine does not fall on one of them.
 */
@Command(name = "first-drain", mixinStandardHelpOptions = true,
        description = "Capture's first drain: a fresh flux serve process onto a backlog, timed from the process start"
                + " and from the first event to caught up, per JVM (JDK 17, 25, 25 with an AOT cache).")
final class FirstDrainBench implements Callable<Integer> {
    static final String TABLE = "bench_backlog";
    static final String TRAINING_TABLE = "bench_training";

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "300000", description = "Backlog rows of each run (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--runs", defaultValue = "5", description = "Runs per JVM (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--tx-size", defaultValue = "100", description = "Rows per backlog transaction (default ${DEFAULT-VALUE}).")
    int txSize;

    @Option(names = "--jvm", split = ",", defaultValue = "current",
            description = "JVMs to run flux serve with, alternating: current (this bench's), a major version under"
                    + " /usr/lib/jvm (17, 25) or a Java home; +aot for an AOT cache made by a training run first"
                    + " (JDK 25+), e.g. --jvm 17,25,25+aot (default ${DEFAULT-VALUE}).")
    List<String> jvms;

    @Option(names = "--training-rows", defaultValue = "50000",
            description = "Backlog drained by the training run that makes an AOT cache (default ${DEFAULT-VALUE}).")
    int trainingRows;

    @Option(names = "--java-opt", description = "A JVM option for flux serve (repeatable; also in training runs)."
            + " The collector is the launcher's, -XX:+UseParallelGC, unless one names another (-XX:+UseG1GC).")
    List<String> javaOptions = new ArrayList<>();

    @Option(names = "--jar", description = "The packaged flux.jar (default: app/target/flux.jar of this checkout).")
    Path jar;

    @Option(names = "--timeout-seconds", defaultValue = "600", description = "Give up a run after (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || runs < 1 || txSize < 1 || trainingRows < 1 || timeoutSeconds < 1 || jvms.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--rows, --runs, --tx-size, --training-rows and"
                    + " --timeout-seconds must be at least 1, --jvm not empty");
        }
        String knobs = engine.check(spec.commandLine());
        List<JvmVariant> variants = new ArrayList<>();
        for (String jvm : jvms) {
            try {
                variants.add(JvmVariant.parse(jvm));
            } catch (BenchFailure e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Path fluxJar = CrashBench.packagedJar(spec, jar);
        Path dir = Files.createTempDirectory("flux-bench-first-drain");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
             LocalKafka kafka = LocalKafka.start(Files.createDirectories(dir.resolve("kafka")), Ports.findFree(), Ports.findFree());
             FreshStart fresh = new FreshStart(fluxJar, dir.resolve("flux"), pg, kafka, engine.environment(), javaOptions,
                     timeoutSeconds)) {
            return run(dir, pg, fresh, variants, knobs);
        }
    }

    private int run(Path dir, LocalPostgres pg, FreshStart fresh, List<JvmVariant> variants, String knobs)
            throws Exception {
        BenchDatabase db = new BenchDatabase(pg.jdbcUrl());
        db.createTable(TABLE);
        db.createTable(TRAINING_TABLE);
        fresh.createTopics(TABLE, TRAINING_TABLE);
        // The first start creates Flux's schema, the publication (with both tables) and the slot, so the
        // backlogs written after it are retained for capture, as after a deploy.
        fresh.setUp(variants.get(0));
        progress("flux serve set up the slot and publication; capture stopped");

        Backlog training = new Backlog(db, TRAINING_TABLE, txSize);
        Map<String, FreshStart.Training> trained = new LinkedHashMap<>();
        for (JvmVariant v : variants) {
            if (v.aot() && !trained.containsKey(v.spec())) {
                training.write(trainingRows);
                Path cache = dir.resolve("aot").resolve("flux-" + trained.size() + ".aot");
                FreshStart.Training t = fresh.train(v, cache, TRAINING_TABLE, trainingRows);
                trained.put(v.spec(), t);
                progress(String.format("%s: AOT cache trained on %,d rows: drained in %.1f s, exit (cache written) %.1f s,"
                        + " %,.0f MB", v.spec(), trainingRows, t.drainSeconds(), t.exitSeconds(), t.megabytes()));
            }
        }
        Backlog backlog = new Backlog(db, TABLE, txSize);
        List<FreshStart.Run> results = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            for (JvmVariant v : variants) {
                backlog.write(rows);
                FreshStart.Training t = trained.get(v.spec());
                FreshStart.Run r = fresh.run(v, t == null ? null : t.cache(), TABLE, rows, round);
                results.add(r);
                progress(String.format("run %d, %s: caught up %.2f s after the start (first event at %.2f s),"
                        + " %,.0f events/s from the first event", round, v.spec(), r.caughtUpSeconds(),
                        r.firstEventSeconds(), r.eventsPerSecondFromFirstEvent()));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        new FirstDrainReport(rows, txSize, knobs, javaOptions, variants, trained, trainingRows, results).print(out);
        return results.stream().allMatch(FreshStart.Run::nothingLost) ? Bench.OK : Bench.FAILED;
    }

    private void progress(String message) {
        spec.commandLine().getErr().println("bench: " + message);
        spec.commandLine().getErr().flush();
    }
}

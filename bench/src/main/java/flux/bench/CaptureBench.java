package flux.bench;

import flux.app.wiring.FluxSchema;
import flux.capture.CaptureConfig;
import flux.capture.CapturePipeline;
import flux.capture.CaptureState;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench capture}: WAL -> Kafka throughput and commit -> consumer latency of the
 * capture pipeline. Drains, in one JVM: warm-up backlogs (the first one as after a start), the
 * backlog by a capture restarted onto it, and the same size of backlog by a capture that keeps
 * running ({@link WalsenderPause}), the headline figure. References on the same backlog:
 * pg_recvlogical (pgoutput) as the ceiling, the naive Debezium JSON path
 * ({@link NaiveDebeziumDrain}) the targets name, and Debezium decoding alone
 * ({@link DecodeOnlyDrain}). Starts its own embedded PostgreSQL and Kafka in a temporary
 * directory; prints a Markdown report.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, subcommands = FirstDrainBench.class,
        description = "Benchmark capture: backlog drain, live throughput, latency at 100 and 1,000 tx/s"
                + " (first-drain: a fresh flux serve process onto a backlog).")
public final class CaptureBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "300000", description = "Backlog rows (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--warmup-rows", defaultValue = "200000",
            description = "Rows of each warm-up backlog, drained (and reported) before the timed one (default ${DEFAULT-VALUE}).")
    int warmupRows;

    @Option(names = "--warmup-drains", defaultValue = "2",
            description = "Warm-up backlogs drained before the timed one; the first shows a drain right after a start"
                    + " (default ${DEFAULT-VALUE}; 0: none, the timed drain is then the first).")
    int warmupDrains;

    @Option(names = "--tx-size", defaultValue = "100", description = "Rows per backlog transaction (default ${DEFAULT-VALUE}).")
    int txSize;

    @Option(names = "--live-seconds", defaultValue = "15", description = "Live throughput window (default ${DEFAULT-VALUE}).")
    int liveSeconds;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Seconds per latency rate (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--pg-recvlogical", defaultValue = "/usr/bin/pg_recvlogical", description = "pg_recvlogical binary.")
    Path recvlogical;

    @Mixin
    EngineOptions engine;

    private PrintWriter out;
    /** Conditions each measurement ran in, printed under the results. */
    private final List<String> conditions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (rows < 1 || txSize < 1 || liveSeconds < 1 || latencySeconds < 1 || warmupRows < 1 || warmupDrains < 0) {
            throw new ParameterException(spec.commandLine(), "--rows, --warmup-rows, --tx-size, --live-seconds and"
                    + " --latency-seconds must be at least 1, --warmup-drains at least 0");
        }
        engine.check(spec.commandLine());
        Path dir = Files.createTempDirectory("flux-bench-capture");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
             LocalKafka kafka = LocalKafka.start(Files.createDirectories(dir.resolve("kafka")), Ports.findFree(), Ports.findFree())) {
            return run(pg, kafka);
        }
    }

    private int run(LocalPostgres pg, LocalKafka kafka) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl());
        FluxSchema.install(ds);
        BenchDatabase db = new BenchDatabase(pg.jdbcUrl());
        db.createTable("bench_warmup");
        db.createTable("bench_backlog");
        db.createTable("bench_running");
        db.createTable("bench_live");
        db.createTable("bench_latency");
        // Capture's topics exist before it publishes, as they do for tables that changed before: otherwise a
        // drain's first batch waits for the broker to create the topic (up to 1.7 s seen in the timed drain).
        for (String table : List.of("bench_warmup", "bench_backlog", "bench_running", "bench_live", "bench_latency")) {
            createTopic(kafka.bootstrapServers(), "flux.public." + table);
        }
        CaptureConfig config = engine.apply(CaptureConfig.fromJdbcUrl(pg.jdbcUrl(), LocalPostgres.USER, "", "bench",
                "bench", kafka.bootstrapServers()));
        conditions.add("capture: " + EngineOptions.describe(config));

        // The slot and publication must exist before the backlogs, so they are retained for every reader.
        try (CapturePipeline setup = started(config)) {
            progress("slot and publication created");
        }
        // The baselines' slots start here, so each streams the warm-up backlog first, untimed: their
        // code is compiled before the timed backlog, as capture's is.
        db.execute("SELECT pg_create_logical_replication_slot('" + NaiveDebeziumDrain.SLOT + "', 'pgoutput')");
        db.execute("SELECT pg_create_logical_replication_slot('" + DecodeOnlyDrain.SLOT + "', 'pgoutput')");
        for (String topic : NaiveDebeziumDrain.topics("bench_warmup", "bench_backlog")) {
            createTopic(kafka.bootstrapServers(), topic);
        }
        // Each warm-up is a backlog drained like the timed one (same batches, same code paths). The first,
        // by the first pipeline of this JVM, gives the figures of a drain right after `flux serve` starts:
        // the JIT compilers busy for longer than the drain. In the second, on 2 cores, C2 still took 3-6 s
        // of a 7-11 s drain (recompiling after deoptimizations); the third and fourth were no faster.
        List<DrainMeter.Drain> warmups = new ArrayList<>();
        while (warmups.size() < warmupDrains) {
            writeBacklog(db, "bench_warmup", (long) warmups.size() * warmupRows, warmupRows);
            try (CapturePipeline pipeline = started(config)) {
                warmups.add(DrainMeter.measure(pipeline, 0, warmupRows, 600));
            }
            DrainMeter.Drain d = warmups.get(warmups.size() - 1);
            progress(String.format("warm-up drain %d: %,.0f events/s, JIT compilers %.1f s of %.1f s", warmups.size(),
                    d.eventsPerSecond(), d.jitSeconds(), d.seconds()));
        }
        db.execute("SELECT pg_create_logical_replication_slot('bench_recv', 'pgoutput')");
        long t = System.nanoTime();
        writeBacklog(db, "bench_backlog", 0, rows);
        String endLsn = db.currentLsn();
        progress(String.format("backlog written: %,d rows in %.1f s (WAL end %s)", rows, secs(System.nanoTime() - t), endLsn));

        double recvSeconds = pgRecvlogical(pg, endLsn);
        progress(String.format("pg_recvlogical: %.2f s", recvSeconds));

        CapturePipeline pipeline = started(config);
        try {
            DrainMeter.Drain restarted = DrainMeter.measure(pipeline, 0, rows, 600);
            progress(String.format("capture drained the backlog after its restart in %.2f s", restarted.seconds()));

            // The same backlog again, to a capture that keeps running: its walsender is paused while
            // the rows are written, then resumed. No engine start and no deoptimizations from one,
            // like the baselines' timed parts, which follow their own warm-up in the same stream.
            long before = pipeline.status().eventsPublished();
            try (WalsenderPause paused = WalsenderPause.of(db, config.slotName())) {
                writeBacklog(db, "bench_running", 0, rows);
            }
            DrainMeter.Drain drain = DrainMeter.measure(pipeline, before, rows, 600);
            progress(String.format("running capture drained the backlog in %.2f s (%.2f s CPU)", drain.seconds(),
                    drain.cpuSeconds()));

            double[] live = live(db, pipeline, pipeline.status().eventsPublished());
            progress(String.format("live: writers %.0f rows/s, capture %.0f events/s", live[0], live[1]));

            LatencyProbe probe = new LatencyProbe(db, kafka.bootstrapServers(), "bench_latency");
            // Warm-up at both rates (JIT, connections, topic metadata): after only a slow one, the C2
            // compilers of this JVM and the broker's still took a fifth of a core each at 1,000 tx/s.
            // 20 s at 1,000 tx/s: a method called once per transaction (writer, consumer, producer,
            // broker request paths) reaches C2's compile threshold (15,000 calls) only after ~15 s;
            // with 5 s those compilations fell into the measured window.
            probe.run(100, Duration.ofSeconds(3), 2);
            probe.run(1000, Duration.ofSeconds(20), 8);
            List<LatencyProbe.Result> latency = new ArrayList<>();
            latency.add(measured(() -> probe.run(100, Duration.ofSeconds(latencySeconds), 2), "100 tx/s"));
            latency.add(measured(() -> probe.run(1000, Duration.ofSeconds(latencySeconds), 8), "1,000 tx/s"));
            pipeline.close();
            // Last, with capture stopped: run before capture's drain (in this JVM, so sharing the
            // compiled Debezium and Kafka Connect code), capture then drained at half its usual rate
            // in a trial. Their slots kept the warm-up and the backlog, whose changes come first in them.
            long warmupChanges = 2L * warmupRows * warmups.size();
            TimedEngineRun.Result naive = NaiveDebeziumDrain.run(pg, kafka.bootstrapServers(), warmupChanges,
                    2L * rows);
            db.execute("SELECT pg_drop_replication_slot('" + NaiveDebeziumDrain.SLOT + "')");
            progress(String.format("naive Debezium JSON path: %.2f s (%.2f s CPU)", naive.seconds(), naive.cpuSeconds()));
            TimedEngineRun.Result decodeOnly = DecodeOnlyDrain.run(config, warmupChanges, 2L * rows);
            db.execute("SELECT pg_drop_replication_slot('" + DecodeOnlyDrain.SLOT + "')");
            progress(String.format("Debezium decoding alone: %.2f s (%.2f s CPU)", decodeOnly.seconds(),
                    decodeOnly.cpuSeconds()));
            new CaptureBenchReport(rows, txSize, warmupRows, liveSeconds, recvSeconds, naive, decodeOnly, warmups,
                    restarted, drain, live, latency, pipeline.status(), conditions).print(out);
        } finally {
            pipeline.close();
        }
        return 0;
    }

    private void writeBacklog(BenchDatabase db, String table, long after, long count) throws SQLException {
        Backlog.write(db, table, after, count, txSize);
    }

    /** Writers insert for --live-seconds at full speed; capture's rate is measured until it caught up. */
    private double[] live(BenchDatabase db, CapturePipeline pipeline, long publishedBefore) throws Exception {
        int writers = 4;
        AtomicLong written = new AtomicLong();
        AtomicLong next = new AtomicLong(1);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(liveSeconds);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread thread = new Thread(() -> {
                try (Connection c = db.connect()) {
                    while (System.nanoTime() < end) {
                        long from = next.getAndAdd(20);
                        BenchDatabase.insertRange(c, "bench_live", "live-" + from, from, from + 19);
                        written.addAndGet(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double writeSeconds = secs(System.nanoTime() - start);
        waitFor(() -> pipeline.status().eventsPublished() - publishedBefore >= written.get(), 600, "live caught up");
        double captureSeconds = secs(System.nanoTime() - start);
        return new double[] {written.get() / writeSeconds, written.get() / captureSeconds, written.get()};
    }

    private double pgRecvlogical(LocalPostgres pg, String endLsn) throws Exception {
        if (!Files.isExecutable(recvlogical)) {
            progress(recvlogical + " not found: skipping the pg_recvlogical ceiling");
            return Double.NaN;
        }
        List<String> command = List.of(recvlogical.toString(), "-h", "127.0.0.1", "-p", Integer.toString(pg.port()),
                "-U", LocalPostgres.USER, "-d", LocalPostgres.DATABASE, "--slot", "bench_recv", "--start",
                "--endpos", endLsn, "--no-loop", "-o", "proto_version=1", "-o", "publication_names=bench", "-f", "/dev/null");
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new BenchFailure("pg_recvlogical failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
        return secs(System.nanoTime() - t);
    }

    /** Runs a latency probe and notes the conditions it ran in: machine busy, load, this JVM's GC time. */
    private LatencyProbe.Result measured(Callable<LatencyProbe.Result> probe, String what) throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long[] machine = MachineMeters.machineTicks();
        progress("latency: measuring " + what);
        long gc = MachineMeters.gcMillis();
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        LatencyProbe.Result result = probe.call();
        conditions.add(String.format("%s: load average %.2f at the start, machine %s busy, GC %d ms and JIT compilers"
                        + " %d ms in this JVM", what, load, MachineMeters.busySince(machine), MachineMeters.gcMillis() - gc,
                ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit));
        return result;
    }

    static CapturePipeline started(CaptureConfig config) {
        CapturePipeline p = new CapturePipeline(config);
        p.start();
        waitFor(() -> p.state() == CaptureState.STREAMING, 120, "capture streaming");
        return p;
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    static void waitFor(BooleanSupplier condition, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("benchmark: no " + what + " within " + seconds + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchFailure("interrupted");
            }
        }
    }

    private void progress(String message) {
        spec.commandLine().getErr().println("bench: " + message);
        spec.commandLine().getErr().flush();
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}

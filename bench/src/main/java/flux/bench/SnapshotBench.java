package flux.bench;

import flux.app.wiring.FluxSchema;
import flux.capture.CaptureConfig;
import flux.capture.CapturePipeline;
import flux.capture.snapshot.Snapshot;
import flux.capture.snapshot.SnapshotSettings;
import flux.capture.snapshot.SnapshotStore;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench snapshot}: a table of --rows rows written before capture started is snapshotted to
 * Kafka (docs/capture.md, "Snapshots") while API-style writers insert into the same table at full speed.
 * Reports the snapshot's rows/s and capture's live drain (events/s) during it, against the drain of the
 * same writers without a snapshot (measured first, for --live-seconds).
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Snapshot rows/s of a large table with live writes going on, against the drain rate.")
public final class SnapshotBench implements Callable<Integer> {
    private static final String TABLE = "bench_snapshot";

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--chunk-size", defaultValue = "1024", description = "Rows per chunk (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--chunks-in-flight", defaultValue = "" + SnapshotSettings.DEFAULT_CHUNKS_IN_FLIGHT,
            description = "Chunks between their watermarks at once, flux.capture.snapshot.chunks-in-flight"
                    + " (default ${DEFAULT-VALUE}).")
    int chunksInFlight;

    @Option(names = "--writers", defaultValue = "2", description = "Live writer threads, 20 rows a transaction"
            + " (default ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--live-seconds", defaultValue = "15", description = "Drain measured without a snapshot first"
            + " (default ${DEFAULT-VALUE}).")
    int liveSeconds;

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || writers < 0 || liveSeconds < 1 || chunksInFlight < 1
                || chunksInFlight > SnapshotSettings.MAX_CHUNKS_IN_FLIGHT) {
            throw new ParameterException(spec.commandLine(), "--rows and --live-seconds must be at least 1, --writers 0"
                    + " or more, --chunks-in-flight 1 to " + SnapshotSettings.MAX_CHUNKS_IN_FLIGHT);
        }
        Path dir = Files.createTempDirectory("flux-bench-snapshot");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
             LocalKafka kafka = LocalKafka.start(Files.createDirectories(dir.resolve("kafka")), Ports.findFree(), Ports.findFree())) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl());
            FluxSchema.install(ds);
            BenchDatabase db = new BenchDatabase(pg.jdbcUrl());
            db.createTable(TABLE);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO " + TABLE + " (id, owner, balance) SELECT g, 'owner' || g, 1.00"
                        + " FROM generate_series(1, " + rows + ") g");
            }
            progress(String.format("%,d rows written before capture started", rows));
            CaptureConfig config = CaptureConfig.fromJdbcUrl(pg.jdbcUrl(), LocalPostgres.USER, "", "bench", "bench",
                    kafka.bootstrapServers()).withSnapshots(new SnapshotSettings(chunkSize, false, chunksInFlight));
            try (CapturePipeline pipeline = CaptureBench.started(config)) {
                AtomicLong nextId = new AtomicLong(rows + 1);
                double[] alone = live(db, pipeline, nextId, () -> false, liveSeconds * 1000L);
                progress(String.format("drain without a snapshot: %,.0f events/s", alone[1]));
                String id;
                try (Connection c = db.connect()) {
                    id = SnapshotStore.create(c, TABLE, null, chunkSize).id();
                }
                long start = System.nanoTime();
                AtomicBoolean done = new AtomicBoolean();
                Thread watcher = new Thread(() -> {
                    CaptureBench.waitFor(() -> ended(db, id), 3600, "snapshot done");
                    done.set(true);
                });
                watcher.start();
                double[] during = live(db, pipeline, nextId, done::get, Long.MAX_VALUE);
                watcher.join();
                double seconds = (System.nanoTime() - start) / 1e9;
                Snapshot s;
                try (Connection c = db.connect()) {
                    s = SnapshotStore.find(c, id).orElseThrow();
                }
                PrintWriter out = spec.commandLine().getOut();
                out.printf("snapshot      %s: %,d rows in %.2f s = %,.0f rows/s (chunks of %d, %d in flight)%n",
                        s.status(), s.rowsDone(), seconds, s.rowsDone() / seconds, chunkSize, chunksInFlight);
                out.printf("live writes   %,.0f rows/s during the snapshot (%d writers)%n", during[0], writers);
                out.printf("live drain    %,.0f events/s during the snapshot, %,.0f events/s without one%n", during[1],
                        alone[1]);
                out.flush();
                return Snapshot.DONE.equals(s.status()) ? Bench.OK : Bench.FAILED;
            }
        }
    }

    private static boolean ended(BenchDatabase db, String id) {
        try (Connection c = db.connect()) {
            return !Snapshot.RUNNING.equals(SnapshotStore.find(c, id).orElseThrow().status());
        } catch (java.sql.SQLException | flux.pg.DatabaseException e) {
            throw new BenchFailure("cannot read the snapshot: " + e.getMessage());
        }
    }

    /**
     * API-style inserts of new ids into the table until {@code stop} or {@code millis}; then waits until
     * capture published them. Returns {writes/s, capture events/s over the same window}.
     */
    private double[] live(BenchDatabase db, CapturePipeline pipeline, AtomicLong nextId,
                          java.util.function.BooleanSupplier stop, long millis) throws InterruptedException {
        long before = pipeline.status().eventsPublished();
        AtomicLong written = new AtomicLong();
        long start = System.nanoTime();
        long end = millis == Long.MAX_VALUE ? Long.MAX_VALUE : start + millis * 1_000_000;
        Thread[] threads = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            threads[w] = new Thread(() -> {
                try (Connection c = db.connect()) {
                    while (!stop.getAsBoolean() && System.nanoTime() < end) {
                        long from = nextId.getAndAdd(20);
                        BenchDatabase.insertRange(c, TABLE, "live-" + from, from, from + 19);
                        written.addAndGet(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads[w].start();
        }
        if (writers == 0) {
            CaptureBench.waitFor(() -> stop.getAsBoolean() || System.nanoTime() >= end, 3600, "the window's end");
        }
        for (Thread t : threads) {
            t.join();
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        CaptureBench.waitFor(() -> pipeline.status().eventsPublished() - before >= written.get(), 600, "live caught up");
        double captureSeconds = (System.nanoTime() - start) / 1e9;
        return new double[] {written.get() / writeSeconds, written.get() / captureSeconds};
    }

    private void progress(String message) {
        spec.commandLine().getErr().println("bench: " + message);
        spec.commandLine().getErr().flush();
    }
}

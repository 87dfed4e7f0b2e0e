package flux.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.app.wiring.FluxSchema;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.history.History;
import flux.history.BlameFolder;
import flux.history.HistorySchema;
import flux.history.PageRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench history}: history's first page, blame and as-of read on a row with a
 * short history and on one with a long one, p50/p99, in-process against an embedded
 * PostgreSQL in a temporary directory; then what history's time index costs a write.
 * Targets (DESIGN.md): p99 <= 5 ms, and the long row no slower than 1.5x the short one.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Benchmark row history and blame on short and long histories (embedded PostgreSQL).")
final class HistoryBench implements Callable<Integer> {
    private static final int SMALL_ID = 1;
    private static final int BIG_ID = 2;
    private static final double TARGET_P99_MS = 5.0;
    private static final double TARGET_RATIO = 1.5;

    @Spec
    CommandSpec spec;

    /** Where buffer statistics are read (the benchmark database). */
    private DataSource statsSource;

    @Option(names = "--small", paramLabel = "N", defaultValue = "100", description = "records of the short history (default ${DEFAULT-VALUE})")
    int small;

    @Option(names = "--big", paramLabel = "N", defaultValue = "100000", description = "records of the long history (default ${DEFAULT-VALUE})")
    int big;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "3000", description = "timed calls per operation and row (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--behind", paramLabel = "N", defaultValue = "10000",
            description = "records the blame folder is behind by in the last measurement, on the long row (default ${DEFAULT-VALUE}; 0 skips it)")
    int behind;

    @Option(names = "--write-rounds", paramLabel = "N", defaultValue = "7", description = "rounds of the write-cost comparison (default ${DEFAULT-VALUE})")
    int writeRounds;

    @Override
    public Integer call() throws Exception {
        if (small < 2 || big < small || iterations < 100 || writeRounds < 1 || behind < 0) {
            throw new ParameterException(spec.commandLine(),
                    "need --small >= 2, --big >= --small, --iterations >= 100, --write-rounds >= 1, --behind >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("flux-bench-history");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree())) {
            pg.createDatabase("bench_plain");
            pg.createDatabase("bench_tracked");
            try (HikariDataSource ds = pool(pg.jdbcUrl()); HikariDataSource plain = pool(pg.jdbcUrl("bench_plain"));
                 HikariDataSource tracked = pool(pg.jdbcUrl("bench_tracked"))) {
                HistorySchema.install(ds);
                statsSource = ds;
                FluxSchema.install(plain);
                HistorySchema.install(tracked);
                out.printf("flux-bench history: %s%n", machine(ds));
                HistoryBenchData data = new HistoryBenchData(ds);
                data.createTable();
                long start = System.nanoTime();
                data.build(BIG_ID, big, SMALL_ID, small, 100, 100);
                out.printf("built %,d + %,d records (+ 100 rows x 100 around them) in %.1f s%n", small, big,
                        (System.nanoTime() - start) / 1e9);
                // The server's background folder keeps the blame summary; here it catches up once.
                start = System.nanoTime();
                long folded = 0;
                BlameFolder folder = new BlameFolder(ds);
                for (int n; (n = folder.foldOnce()) > 0; ) {
                    folded += n;
                }
                double foldSeconds = (System.nanoTime() - start) / 1e9;
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE flux.row_blame");
                }
                out.printf("blame folder: %,d records folded in %.1f s (%,.0f records/s)%n", folded, foldSeconds,
                        folded / foldSeconds);
                out.flush();
                String loadBefore = loadAverage();
                boolean met = readLatencies(out, new History(ds));
                out.printf("load average (1/5/15 min) before the reads: %s, after: %s%n", loadBefore, loadAverage());
                if (behind > 0) {
                    data.append(BIG_ID, big, big + behind - 1);
                    blameBehind(out, new History(ds));
                }
                WriteCost.Result cost = WriteCost.measure(plain, tracked, writeRounds, 2_000);
                out.printf("%nwrite (UPDATE + mutation record, 1 statement, 1 tx, 1 client), median of %d rounds:%n",
                        writeRounds);
                out.printf("  wall per write     without history support %6.0f us   with %6.0f us   (x%.2f, %+.0f us)%n",
                        cost.plainMicros(), cost.trackedMicros(), cost.ratio(), cost.trackedMicros() - cost.plainMicros());
                out.printf("  backend CPU/write  without history support %6.0f us   with %6.0f us   (%+.0f us)%n",
                        cost.plainCpuMicros(), cost.trackedCpuMicros(), cost.trackedCpuMicros() - cost.plainCpuMicros());
                out.println(met ? "targets met" : "targets MISSED");
                out.flush();
                return Bench.OK;
            }
        } finally {
            delete(dir);
        }
    }

    /** Interleaves the rows call by call, so machine noise hits both alike. */
    private boolean readLatencies(PrintWriter out, History history) throws SQLException {
        String[] ids = {Integer.toString(SMALL_ID), Integer.toString(BIG_ID)};
        Instant[] middles = {middle(history, ids[0]), middle(history, ids[1])};
        Latencies[][] samples = new Latencies[3][2];
        for (Latencies[] op : samples) {
            op[0] = new Latencies(iterations);
            op[1] = new Latencies(iterations);
        }
        PageRequest firstPage = PageRequest.newestFirst(PageRequest.DEFAULT_LIMIT);
        for (int i = -iterations / 5; i < iterations; i++) {    // the first fifth warms up
            for (int r = 0; r < 2; r++) {
                long t0 = System.nanoTime();
                history.history(HistoryBenchData.TABLE, ids[r], firstPage);
                long t1 = System.nanoTime();
                history.blame(HistoryBenchData.TABLE, ids[r]);
                long t2 = System.nanoTime();
                history.at(HistoryBenchData.TABLE, ids[r], middles[r]);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    samples[0][r].add(t1 - t0);
                    samples[1][r].add(t2 - t1);
                    samples[2][r].add(t3 - t2);
                }
            }
        }
        double[][] buffers = buffersPerCall(history, ids, middles, firstPage);
        String[] names = {"history first page (50)", "blame", "as-of (mid-history)"};
        out.printf("%n%-24s %10s %10s %10s %10s %8s %14s%n", "operation", small + " p50", small + " p99",
                big + " p50", big + " p99", "p99 x", "buffers/call");
        boolean met = true;
        for (int op = 0; op < 3; op++) {
            double s99 = samples[op][0].percentileMillis(99);
            double b99 = samples[op][1].percentileMillis(99);
            out.printf("%-24s %8.3f ms %7.3f ms %7.3f ms %7.3f ms %7.2f %6.1f / %5.1f%n", names[op],
                    samples[op][0].percentileMillis(50), s99, samples[op][1].percentileMillis(50), b99, b99 / s99,
                    buffers[op][0], buffers[op][1]);
            if (op < 2) {
                met &= b99 <= TARGET_P99_MS && s99 <= TARGET_P99_MS && b99 <= TARGET_RATIO * s99;
            }
        }
        return met;
    }

    /**
     * Blame while the folder is {@link #behind} records behind on the long row (their records are
     * above its watermark, so each read folds them itself): what a read costs when the server's
     * folder has not caught up, e.g. right after a burst of writes to one row.
     */
    private void blameBehind(PrintWriter out, History history) {
        String[] ids = {Integer.toString(SMALL_ID), Integer.toString(BIG_ID)};
        Latencies[] samples = {new Latencies(iterations / 10), new Latencies(iterations / 10)};
        for (int i = -iterations / 50; i < iterations / 10; i++) {
            for (int r = 0; r < 2; r++) {
                long t0 = System.nanoTime();
                history.blame(HistoryBenchData.TABLE, ids[r]);
                if (i >= 0) {
                    samples[r].add(System.nanoTime() - t0);
                }
            }
        }
        out.printf("%nblame, the folder %,d records behind on the long row: %s p50 %.3f ms p99 %.3f ms;"
                + " %s p50 %.3f ms p99 %.3f ms%n", behind, small, samples[0].percentileMillis(50),
                samples[0].percentileMillis(99), big, samples[1].percentileMillis(50), samples[1].percentileMillis(99));
    }

    /**
     * Shared buffers each call touches on each row (pg_stat_database blks_hit + blks_read,
     * catalog lookups included): the work done, immune to scheduling noise on a busy machine.
     */
    private double[][] buffersPerCall(History history, String[] ids, Instant[] middles, PageRequest firstPage)
            throws SQLException {
        int calls = 200;
        double[][] result = new double[3][2];
        for (int op = 0; op < 3; op++) {
            for (int r = 0; r < 2; r++) {
                long before = blocks();
                for (int i = 0; i < calls; i++) {
                    switch (op) {
                        case 0 -> history.history(HistoryBenchData.TABLE, ids[r], firstPage);
                        case 1 -> history.blame(HistoryBenchData.TABLE, ids[r]);
                        default -> history.at(HistoryBenchData.TABLE, ids[r], middles[r]);
                    }
                }
                result[op][r] = (blocks() - before) / (double) calls;
            }
        }
        return result;
    }

    /** Blocks accessed in this database so far; waits for backends to flush their statistics (~1 s). */
    private long blocks() throws SQLException {
        try {
            Thread.sleep(1_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = statsSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT blks_hit + blks_read FROM pg_stat_database"
                     + " WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Instant middle(History history, String id) throws SQLException {
        var page = history.history(HistoryBenchData.TABLE, id, PageRequest.newestFirst(1));
        var first = history.history(HistoryBenchData.TABLE, id, new PageRequest(false, 1, null, null, null));
        Instant a = Instant.parse(first.entries().get(0).at());
        Instant b = Instant.parse(page.entries().get(0).at());
        return a.plusNanos((b.toEpochMilli() - a.toEpochMilli()) * 500_000L);
    }

    /** The machine's load, to read the percentiles against (Linux; "?" elsewhere). */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(2);
        config.setPoolName("bench");
        return new HikariDataSource(config);
    }

    private static String machine(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return String.format("%d cores, Java %s, %s %s, PostgreSQL %s (embedded, fsync on)",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    System.getProperty("os.name"), System.getProperty("os.arch"), rs.getString(1));
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

package flux.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.app.wiring.FluxSchema;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.query.QueryEngine;
import flux.observe.ObserveSettings;
import flux.observe.QueryObservers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench write}: single-row insert and update throughput and latency for (a) raw
 * JDBC, (b) raw JDBC with a minimal audit trigger, (w) raw JDBC with the PostgreSQL wiki's audit
 * trigger, (c) the engine in-process, (e) the engine with its query observers, (d) HTTP, (n) the
 * floor of HTTP (a bare Netty handler around the engine, {@link NettyFloorTarget}), at several
 * client counts, against one embedded PostgreSQL; prints markdown tables with the ratios.
 */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = "Single-row write throughput: raw JDBC, audit triggers, engine, HTTP and its floor.")
final class WriteBench implements Callable<Integer> {
    private static final List<String> ALL_MODES = List.of("a", "b", "w", "s", "p", "c", "e", "n", "d");
    private static final Map<String, String> MODE_NAMES = Map.of(
            "a", "(a) raw JDBC", "b", "(b) JDBC + audit trigger", "w", "(w) JDBC + the wiki's audit trigger",
            "s", "(s) JDBC + supa_audit", "p", "(p) engine, log with a primary key only",
            "c", "(c) engine in-process", "e", "(e) engine + observability", "n", "(n) HTTP floor: bare Netty",
            "d", "(d) HTTP");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per cell (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "1", description = "Warm-up seconds per cell (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--clients", split = ",", defaultValue = "1,16,64", description = "Client counts (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--ops", split = ",", defaultValue = "insert,update", description = "Operations (default ${DEFAULT-VALUE}).")
    List<String> ops;

    @Option(names = "--modes", split = ",", defaultValue = "a,b,w,s,p,c,e,n,d",
            description = "Modes to run, of a,b,w,s,p,c,e,n,d (default ${DEFAULT-VALUE}); ratios need a (and b, w, s, p, c,"
                    + " e, n). (n) is the floor of (d): a bare Netty HTTP handler around the engine in-process.")
    List<String> modes;

    @Option(names = "--rounds", defaultValue = "1", description = "Rounds of every cell (default ${DEFAULT-VALUE}): each"
            + " round runs the modes of a cell group one after the other, starting one mode later than the round before,"
            + " and the ratios are taken within a round (cells minutes apart see different machines), then summarized"
            + " as the median and range over the rounds.")
    int rounds;

    @Option(names = "--pool", description = "Connections of every mode's pool (raw JDBC's, the engine's, the HTTP"
            + " server's): default the most clients + 4, so no client waits for a connection; 16 is `flux serve`'s"
            + " default (flux.database.pool-size), where more clients queue for a connection instead of adding backends.")
    Integer poolSize;

    @Option(names = "--wal-detail", description = "Print each cell's WAL per write by relation and kind of record"
            + " (pg_walinspect): the log's heap and each index apart, page splits and full-page images beside.")
    boolean walDetail;

    @Option(names = "--waits", description = "Sample pg_stat_activity's wait events during each measured cell and print"
            + " their shares (a query every 25 ms on a connection of its own).")
    boolean waits;

    /** The most records the blame folder had left to fold at the end of a cell. */
    private long mostBehind;

    /** The database without the round-trip counter, for the wait sampler. */
    private String plainJdbcUrl;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (seconds <= 0 || warmup < 0 || rounds < 1 || (poolSize != null && poolSize < 1) || clients.stream().anyMatch(c -> c < 1)
                || !List.of("insert", "update").containsAll(ops) || !ALL_MODES.containsAll(modes) || modes.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--seconds must be positive, --clients, --rounds and --pool positive,"
                    + " --ops insert and/or update, --modes some of a,b,w,s,p,c,e,n,d");
        }
        Path dir = Files.createTempDirectory("flux-bench-");
        int maxClients = clients.stream().max(Integer::compare).orElse(1);
        int connections = poolSize != null ? poolSize : maxClients + 4;
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree())) {
            plainJdbcUrl = pg.jdbcUrl();
            String jdbcUrl = pg.jdbcUrl() + "&socketFactory=" + RoundTripCounter.class.getName();
            try (HikariDataSource ds = pool(jdbcUrl, connections)) {
                FluxSchema.install(ds);
                sql(ds, BenchSchema.DDL);
                if (walDetail) {
                    WalDetail.install(ds);
                }
                CpuMeter cpu = new CpuMeter(dir.resolve("pg"));
                Map<String, WriteTarget> targets = new LinkedHashMap<>();
                targets.put("a", new JdbcTarget(ds, "bench_raw"));
                targets.put("b", new JdbcTarget(ds, "bench_audit"));
                targets.put("w", new JdbcTarget(ds, "bench_wiki"));
                targets.put("s", new JdbcTarget(ds, "bench_supa"));
                targets.put("p", new EngineTarget(new QueryEngine(ds)));
                targets.put("c", new EngineTarget(new QueryEngine(ds)));
                // The same engine with the server's query observers: what tracing costs a write.
                QueryObservers observers = QueryObservers.start(ObserveSettings.defaults(), ds, List.of());
                targets.put("e", new EngineTarget(new QueryEngine(ds, QueryEngine.DEFAULT_MAX_LIMIT, observers),
                        observers::close));
                targets.put("n", new NettyFloorTarget(new QueryEngine(ds), maxClients));
                targets.put("d", new HttpTarget(jdbcUrl, connections));
                try {
                    warmUp(ds, targets, out);
                    List<Row> rows = measure(ds, targets, cpu, out);
                    print(out, rows);
                } finally {
                    for (WriteTarget t : targets.values()) {
                        t.close();
                    }
                }
            }
        } finally {
            delete(dir);
        }
        return Bench.OK;
    }

    /** One measured cell of round {@code round} (from 1). */
    record Row(int round, String op, int clients, String mode, LoadRunner.Cell cell, double roundTrips, double walBytes) {
    }

    private List<Row> measure(HikariDataSource ds, Map<String, WriteTarget> targets, CpuMeter cpu, PrintWriter out)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            measureRound(round, ds, targets, cpu, out, rows);
        }
        return rows;
    }

    private void measureRound(int round, HikariDataSource ds, Map<String, WriteTarget> targets, CpuMeter cpu,
                              PrintWriter out, List<Row> rows) throws Exception {
        List<String> order = ALL_MODES.stream().filter(modes::contains).toList();
        for (String op : ops) {
            for (int n : clients) {
                // Rotated per round, so no mode always runs right after the same neighbour or first in its group.
                for (int m = 0; m < order.size(); m++) {
                    String mode = order.get((m + round - 1) % order.size());
                    WriteTarget target = targets.get(mode);
                    sql(ds, BenchSchema.RESET);
                    AtomicLong ids = new AtomicLong();
                    if (op.equals("update")) {
                        sql(ds, BenchSchema.preload(table(mode), n));
                        sql(ds, BenchSchema.vacuum(table(mode)));
                    }
                    AtomicLong calls = new AtomicLong();
                    long tripsBefore = RoundTripCounter.roundTrips();
                    String walBefore = walPosition(ds);
                    LoadRunner.Cell cell;
                    WaitSampler sampler;
                    try (AutoCloseable log = mode.equals("p") ? PrimaryKeyOnlyLog.strip(ds) : () -> { };
                         WaitSampler sampling = WaitSampler.start(plainJdbcUrl, warmup, waits)) {
                        sampler = sampling;
                        cell = LoadRunner.run(n, warmup, seconds, (client, k) -> {
                            calls.incrementAndGet();
                            if (op.equals("insert")) {
                                target.insert(ids.incrementAndGet());
                            } else {
                                long id = (long) client * BenchSchema.ROWS_PER_CLIENT + (k % BenchSchema.ROWS_PER_CLIENT) + 1;
                                target.update(id, k);
                            }
                        }, cpu);
                    }
                    double roundTrips = (RoundTripCounter.roundTrips() - tripsBefore) / (double) calls.get();
                    double walBytes = walBytesSince(ds, walBefore) / (double) calls.get();
                    long folderBehind = blameFolderBehind(ds);
                    if (!mode.equals("p")) { // (p) holds the folder off (PrimaryKeyOnlyLog)
                        mostBehind = Math.max(mostBehind, folderBehind);
                    }
                    rows.add(new Row(round, op, n, mode, cell, roundTrips, walBytes));
                    out.printf(Locale.ROOT, "r%d %-6s %2d clients %-26s %9.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  %.2f round trips/write"
                                    + "  CPU/write: server %4.0f us, JVM %4.0f us  JVM alloc/write %5.1f KB  WAL/write %5.0f B"
                                    + "  blame folder behind %d%n",
                            round, op, n, MODE_NAMES.get(mode), cell.opsPerSecond(), cell.p50Millis(), cell.p99Millis(), roundTrips,
                            cell.serverCpuMicros(), cell.jvmCpuMicros(), cell.jvmAllocatedBytes() / 1024, walBytes, folderBehind);
                    if (waits) {
                        out.printf(Locale.ROOT, "       waits: %s%n", sampler.summary(6));
                    }
                    if (walDetail) {
                        out.printf(Locale.ROOT, "       WAL/write: %s%n", WalDetail.since(ds, walBefore, calls.get()));
                    }
                    out.flush();
                }
            }
        }
    }

    /**
     * Runs every target's inserts and updates before any cell is measured, until the JIT has
     * compiled both paths: rounds of inserts then updates, at least {@code 3 x --warmup}
     * seconds, then until a round adds under 50 ms of JIT compilation (at most 60 s per
     * target). The HTTP path runs far more code than the others and is slowest to warm: with
     * a fixed few seconds, C2 was still compiling during the measured cells and (d) showed
     * twice the JVM CPU per write it spends warm.
     */
    private void warmUp(HikariDataSource ds, Map<String, WriteTarget> targets, PrintWriter out) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        double round = 2;
        double minimum = Math.max(4, warmup * 3);
        for (String mode : modes) {
            WriteTarget target = targets.get(mode);
            sql(ds, BenchSchema.RESET);
            AtomicLong ids = new AtomicLong();
            long started = System.nanoTime();
            double elapsed;
            long compiled;
            do {
                long jitBefore = jit.getTotalCompilationTime();
                LoadRunner.run(4, 0, round / 2, (client, k) -> target.insert(ids.incrementAndGet()));
                long rows = Math.max(1, ids.get());
                LoadRunner.run(4, 0, round / 2, (client, k) -> target.update((client * 7919L + k) % rows + 1, k));
                compiled = jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() - jitBefore : 0;
                elapsed = (System.nanoTime() - started) / 1e9;
            } while (elapsed < minimum || (compiled >= 50 && elapsed < 60));
            out.printf(Locale.ROOT, "warmed up %s for %.0f s (JIT: %d ms in the last %.0f s)%n", MODE_NAMES.get(mode),
                    elapsed, compiled, round);
            out.flush();
        }
    }

    private static String table(String mode) {
        switch (mode) {
            case "a": return "bench_raw";
            case "b": return "bench_audit";
            case "w": return "bench_wiki";
            case "s": return "bench_supa";
            default: return "bench_engine";
        }
    }

    private void print(PrintWriter out, List<Row> rows) {
        out.println();
        out.printf(Locale.ROOT, "Single-row writes, %d round(s), %.0f s per cell after %.0f s warm-up, pools of %s connections;"
                        + " machine: %d CPUs, %s, JDK %s%n%n",
                rounds, seconds, warmup, poolSize != null ? poolSize : "the most clients + 4", Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("java.version"));
        new WriteReport(rows, ops, clients, rounds, MODE_NAMES).print(out);
        out.printf(Locale.ROOT, "%nThe blame folder (flux serve's, running in the bench's HTTP server through every cell) had at most %d"
                + " records left to fold at the end of a cell but (p)'s, which holds it off: its work is inside the cells' figures.%n",
                mostBehind);
    }

    private static HikariDataSource pool(String jdbcUrl, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("bench");
        return new HikariDataSource(config);
    }

    private static String walPosition(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** WAL written since {@code from}: every backend's, so a cell's figure includes autovacuum's and checkpoints'. */
    private static long walBytesSince(HikariDataSource ds, String from) throws SQLException {
        try (Connection c = ds.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ?::pg_lsn)::bigint")) {
            ps.setString(1, from);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Records the blame folder has not folded yet, at the end of a cell: background work that does
     * not keep up would make the cell's rate a burst paid for later (issue 20).
     */
    private static long blameFolderBehind(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM flux.state_mutations"
                     + " WHERE id > (SELECT folded_through FROM flux.row_blame_progress)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String memory() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB RAM").orElse("RAM unknown");
        } catch (IOException | RuntimeException e) {
            return "RAM unknown";
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}

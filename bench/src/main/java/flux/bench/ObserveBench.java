package flux.bench;

import flux.app.config.DatabaseUrl;
import flux.app.observe.OtlpQuerySpans;
import flux.app.observe.QueryMetrics;
import flux.observe.ObserveSettings;
import flux.query.QueryObserver;
import flux.observe.QueryObservers;
import flux.query.QueryTrace;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux-bench observe}: what query observability costs per statement, without JMH.
 * {@code --threads} threads call {@code onQuery} with engine-like traces (the compiler's select,
 * four statements per request, then {@code onRequestEnd}) at {@code --rate} statements per
 * second in total for {@code --seconds}, after a warm-up as long; each call is timed on its own.
 * It reports the request thread's mean and p99 nanoseconds per call and the analysis thread's
 * CPU per statement, for each set of parts, and compares the sum with a single-row write: timed
 * over JDBC with {@code --database-url} (or DATABASE_URL), otherwise an assumed 500 us. With
 * {@code --otlp-endpoint} it also measures the OTLP exporter (its batching thread's CPU is not
 * counted).
 */
@Command(name = "observe", mixinStandardHelpOptions = true,
        description = "Cost of query observability per statement, against a single-row write.")
public final class ObserveBench implements Callable<Integer> {
    private static final double ASSUMED_WRITE_NANOS = 500_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", defaultValue = "20000", description = "Statements per second, all threads (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per set of parts (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--threads", defaultValue = "4", description = "Calling threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--database-url", description = "PostgreSQL to time writes against (default: DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--otlp-endpoint", description = "Also measure with OTLP export to this endpoint.")
    String otlpEndpoint;

    @Option(names = "--writes", defaultValue = "2000", description = "Single-row inserts to time (default ${DEFAULT-VALUE}).")
    int writes;

    private record Result(String parts, double meanNanos, long p99Nanos, double workerNanos, long dropped) {
    }

    @Override
    public Integer call() throws Exception {
        if (rate < threads || seconds < 1 || threads < 1 || writes < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--rate must be at least --threads; --seconds, --threads and --writes at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        QueryTrace[] traces = traces(4096);
        List<Result> results = new ArrayList<>();
        results.add(run("none (timing and loop only)", traces, () -> null));
        results.add(run("trace window + analysis", traces,
                () -> QueryObservers.start(ObserveSettings.defaults(), new PGSimpleDataSource(), List.of())));
        results.add(run("all: window + analysis + metrics", traces,
                () -> QueryObservers.start(ObserveSettings.defaults(), new PGSimpleDataSource(),
                        List.of(new QueryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))))));
        if (otlpEndpoint != null) {
            OtlpQuerySpans otlp = OtlpQuerySpans.start(otlpEndpoint);
            try {
                results.add(run("all + OTLP export", traces,
                        () -> QueryObservers.start(ObserveSettings.defaults(), new PGSimpleDataSource(),
                                List.of(new QueryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), otlp))));
            } finally {
                otlp.close();
            }
        }
        double write = writeNanos(out);
        out.printf("%n%d threads, %d statements/s for %d s per row, %d cores, %s %s%n", threads, rate, seconds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        out.printf("single-row write (median): %.0f us%n", write / 1000);
        out.printf("%-34s %9s %9s %17s %8s %11s%n", "parts", "mean ns", "p99 ns", "analysis CPU ns", "dropped",
                "% of write");
        for (Result r : results) {
            out.printf("%-34s %9.0f %9d %17s %8d %10.2f%%%n", r.parts(), r.meanNanos(), r.p99Nanos(),
                    Double.isNaN(r.workerNanos()) ? "-" : String.format("%.0f", r.workerNanos()), r.dropped(),
                    100 * (r.meanNanos() + (Double.isNaN(r.workerNanos()) ? 0 : r.workerNanos())) / write);
        }
        out.flush();
        return Bench.OK;
    }

    private Result run(String parts, QueryTrace[] traces, Supplier<QueryObservers> start) throws InterruptedException {
        QueryObservers observers = start.get();
        QueryObserver target = observers != null ? observers : trace -> { };
        try {
            measure(target, traces); // warm-up
            drain(observers);
            long cpuBefore = workerCpu();
            long droppedBefore = observers == null ? 0 : observers.dropped();
            long[] samples = measure(target, traces);
            drain(observers);
            long dropped = observers == null ? 0 : observers.dropped() - droppedBefore;
            double worker = observers == null ? Double.NaN
                    : (double) (workerCpu() - cpuBefore) / Math.max(1, samples.length - dropped);
            double mean = Arrays.stream(samples).average().orElse(0);
            Arrays.sort(samples);
            return new Result(parts, mean, samples[(int) (samples.length * 0.99)], worker, dropped);
        } finally {
            if (observers != null) {
                observers.close();
            }
        }
    }

    /** Each thread makes its share of calls at an even pace; returns every call's time. */
    private long[] measure(QueryObserver observer, QueryTrace[] traces) throws InterruptedException {
        int perThread = (int) ((long) rate * seconds / threads);
        long interval = 1_000_000_000L * threads / rate;
        long[] samples = new long[perThread * threads];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long next = System.nanoTime();
                for (int i = 0; i < perThread; i++) {
                    next += interval;
                    long wait;
                    while ((wait = next - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    QueryTrace trace = traces[(index * 997 + i) & (traces.length - 1)];
                    long begin = System.nanoTime();
                    observer.onQuery(trace);
                    if ((i & 3) == 3) {
                        observer.onRequestEnd(trace.requestId());
                    }
                    samples[index * perThread + i] = System.nanoTime() - begin;
                }
            }, "bench-caller-" + t);
            thread.start();
            callers.add(thread);
        }
        start.countDown();
        for (Thread c : callers) {
            c.join();
        }
        return samples;
    }

    private static void drain(QueryObservers observers) throws InterruptedException {
        while (observers != null && observers.backlog() > 0) {
            Thread.sleep(5);
        }
    }

    private static long workerCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("flux-observe")) {
                return mx.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }

    /** Engine-like traces: the compiler's select, four statements per request, different ids. */
    private static QueryTrace[] traces(int count) {
        QueryTrace[] traces = new QueryTrace[count];
        String[] tables = {"users", "orders", "items", "accounts"};
        for (int i = 0; i < count; i++) {
            String table = tables[i % tables.length];
            String sql = "SELECT row_to_json(flux_r.*)::text FROM (SELECT t.\"id\", t.\"name\", t.\"email\" FROM \"public\".\""
                    + table + "\" AS t WHERE t.\"id\" = CAST(? AS bigint) LIMIT ?) AS flux_r";
            traces[i] = new QueryTrace("req-" + (i / 4), "10.0.0." + (i % 16), "select", "public", table, sql,
                    Arrays.asList(Integer.toString(i), 1000L), List.of("id"), 1, 400_000 + (i % 100) * 1000L, null,
                    Instant.now());
        }
        return traces;
    }

    /** Median of single-row autocommit inserts over JDBC into a new table; the assumed figure without a database. */
    private double writeNanos(PrintWriter out) {
        String url = databaseUrl != null ? databaseUrl : System.getenv("DATABASE_URL");
        if (url == null || url.isBlank()) {
            out.println("no --database-url or DATABASE_URL: comparing against an assumed 500 us write");
            return ASSUMED_WRITE_NANOS;
        }
        DatabaseUrl db = DatabaseUrl.parse(url);
        // A logged table with autocommit: each insert is a durable commit, as an engine write is
        // (the engine's also writes its mutation record, so it is slower: this is the conservative side).
        String table = "flux_bench_observe_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, payload text)");
            try {
                long[] samples = new long[writes];
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?) RETURNING id")) {
                    for (int i = -200; i < writes; i++) {
                        long begin = System.nanoTime();
                        ps.setLong(1, i + 1_000_000L);
                        ps.setString(2, "payload " + i);
                        ps.executeQuery().close();
                        if (i >= 0) {
                            samples[i] = System.nanoTime() - begin;
                        }
                    }
                }
                Arrays.sort(samples);
                return samples[samples.length / 2];
            } finally {
                st.execute("DROP TABLE " + table);
            }
        } catch (SQLException e) {
            throw new BenchFailure("cannot time writes against " + db.display() + ": " + e.getMessage(), e);
        }
    }
}

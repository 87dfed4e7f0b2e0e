package flux.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What the benchmark's backends wait on during a cell: {@code pg_stat_activity} sampled every
 * {@value #PERIOD_MS} ms on a connection of its own (outside the pool and the round-trip count), each client backend in a transaction or a
 * statement counted under its wait event ({@code CPU} when it waits on nothing). The shares say
 * where a cell's time goes (issue 20: lock waits, the WAL flush, hot index pages), without
 * timing anything. Sampling starts after the cell's warm-up.
 */
final class WaitSampler implements AutoCloseable {
    private static final long PERIOD_MS = 25;
    private static final String SAMPLE = """
            SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS waiting, count(*) AS backends
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
             GROUP BY 1""";

    private final Map<String, Long> counts = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile SQLException failure;

    private WaitSampler(String jdbcUrl, double delaySeconds) {
        thread = new Thread(() -> run(jdbcUrl, (long) (delaySeconds * 1000)), "bench-wait-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Samples from {@code delaySeconds} on until closed; {@code enabled} false samples nothing. */
    static WaitSampler start(String jdbcUrl, double delaySeconds, boolean enabled) {
        WaitSampler sampler = new WaitSampler(jdbcUrl, delaySeconds);
        if (!enabled) {
            sampler.stopped = true;
        }
        return sampler;
    }

    private void run(String jdbcUrl, long delayMillis) {
        try {
            Thread.sleep(delayMillis);
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
                while (!stopped) {
                    try (ResultSet rs = st.executeQuery(SAMPLE)) {
                        synchronized (counts) {
                            while (rs.next()) {
                                counts.merge(rs.getString("waiting"), rs.getLong("backends"), Long::sum);
                            }
                        }
                    }
                    Thread.sleep(PERIOD_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            failure = e;
        }
    }

    /** The most frequent waits with their shares of all samples, e.g. {@code LWLock:WALWrite 87%, CPU 6%}. */
    String summary(int top) {
        Map<String, Long> copy;
        synchronized (counts) {
            copy = new TreeMap<>(counts);
        }
        long all = copy.values().stream().mapToLong(Long::longValue).sum();
        if (failure != null) {
            return "sampling failed: " + failure.getMessage();
        }
        if (all == 0) {
            return "no samples";
        }
        StringJoiner line = new StringJoiner(", ");
        copy.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> line.add(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / all)));
        return line + " (" + all + " backend samples)";
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5_000);
    }
}

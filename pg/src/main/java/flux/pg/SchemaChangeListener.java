package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@link SchemaChanges#CHANNEL}: a daemon thread LISTENs on a connection of its own
 * (outside any pool: a listening connection must stay open and idle) and runs {@code onChange}
 * for each burst of notifications. After a lost connection it reconnects with backoff (0.5 s,
 * doubling to 10 s) and runs {@code onChange} once it listens again, since notifications sent
 * meanwhile are lost. A failing {@code onChange} is treated like a lost connection: it runs again
 * after the backoff.
 *
 * <p>With a {@link Probe} ({@link #probing}), the same loop also asks, between notifications, whether
 * the schema changed without anyone announcing it (DDL made in psql), and runs {@code onChange} when
 * it did. The pause between probes is the interval given, stretched to {@value #PROBE_COST_FACTOR}
 * times what a probe typically takes ({@link #typicalCost}), so probing costs at most about
 * 1/{@value #PROBE_COST_FACTOR} of a core however slow the probe becomes (a large schema, a busy
 * server).
 *
 * <p>{@code onChange} and the probe run on the listener's thread, one call at a time.
 */
public final class SchemaChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaChangeListener.class);
    private static final int POLL_MILLIS = 500;
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final int PROBE_COST_FACTOR = 20;
    private static final int PROBE_COST_WINDOW = 8;

    private final String purpose;
    private final ConnectionSource connections;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;
    private Probe probe;
    private long probeIntervalNanos;

    /** Asks whether the schema changed since it last looked; see {@link #probing}. */
    @FunctionalInterface
    public interface Probe {
        /**
         * True when the schema changed since the last call (the first call compares with nothing it
         * saw: it may report what changed while no one listened). Runs on the listening connection,
         * in autocommit; it may run transactions of its own there.
         */
        boolean changed(Connection listening) throws SQLException;
    }

    /**
     * @param purpose what {@code onChange} does, for logs ("refreshing the catalog")
     * @param threadName the listener thread's name
     */
    public SchemaChangeListener(String purpose, String threadName, ConnectionSource connections, Runnable onChange) {
        this.purpose = purpose;
        this.connections = connections;
        this.onChange = onChange;
        this.thread = new Thread(this::listen, threadName);
        this.thread.setDaemon(true);
    }

    /** Also probes for unannounced changes, every {@code interval} at least; call before {@link #start}. */
    public SchemaChangeListener probing(Duration interval, Probe probe) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the probe interval must be positive: " + interval);
        }
        this.probe = probe;
        this.probeIntervalNanos = interval.toNanos();
        return this;
    }

    public SchemaChangeListener start() {
        thread.start();
        return this;
    }

    private void listen() {
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean reconnected = false;
        while (running) {
            try (Connection c = connections.open()) {
                try (Statement st = c.createStatement()) {
                    st.execute(SchemaChanges.LISTEN);
                }
                if (reconnected) {
                    log.info("listening for schema changes again: {}, for what was missed", purpose);
                    onChange.run();
                }
                backoff = FIRST_BACKOFF_MILLIS;
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextProbe = System.nanoTime();
                long[] costs = new long[PROBE_COST_WINDOW];
                int probes = -1; // the first probe on a connection plans its statements: not counted
                while (running) {
                    long wait = probe == null ? POLL_MILLIS
                            : Math.max(1, Math.min(POLL_MILLIS, (nextProbe - System.nanoTime()) / 1_000_000));
                    PGNotification[] notes = pg.getNotifications((int) wait);
                    if (notes != null && notes.length > 0) {
                        log.info("schema changed ({}): {}", notes[notes.length - 1].getParameter(), purpose);
                        onChange.run();
                    }
                    if (probe != null && System.nanoTime() - nextProbe >= 0) {
                        long started = System.nanoTime();
                        boolean changed = probe.changed(c);
                        if (probes >= 0) {
                            costs[probes % PROBE_COST_WINDOW] = System.nanoTime() - started;
                        }
                        probes++;
                        nextProbe = System.nanoTime() + Math.max(probeIntervalNanos,
                                PROBE_COST_FACTOR * typicalCost(costs, probes));
                        if (changed) {
                            onChange.run();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("schema change listener ({}): {}; retrying in {} ms", purpose, e.getMessage(), backoff);
                reconnected = true;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /**
     * The least of the last few probes' durations: a probe's first run on a connection (planning, cold
     * caches) and one that recorded changes take many times longer than the polls in between.
     */
    static long typicalCost(long[] costs, int probes) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < Math.min(probes, costs.length); i++) {
            least = Math.min(least, costs[i]);
        }
        return least == Long.MAX_VALUE ? 0 : least;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Stops listening; waits up to 5 s for the thread (it notices within one poll, 0.5 s). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

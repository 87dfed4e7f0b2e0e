package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
 * <p>{@code onChange} runs on the listener's thread, one call at a time.
 */
public final class SchemaChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaChangeListener.class);
    private static final int POLL_MILLIS = 500;
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final String purpose;
    private final ConnectionSource connections;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;

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
                while (running) {
                    PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
                    if (notes != null && notes.length > 0) {
                        log.info("schema changed ({}): {}", notes[notes.length - 1].getParameter(), purpose);
                        onChange.run();
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

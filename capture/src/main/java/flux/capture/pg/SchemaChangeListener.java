package flux.capture.pg;

import flux.capture.CaptureConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for {@code NOTIFY flux_schema_changed} (sent after migrations and schema pushes,
 * docs/contracts.md) and runs the callback, which brings new tables into the publication.
 * Reconnects after a lost connection and runs the callback then too, since notifications
 * sent meanwhile are lost.
 */
public final class SchemaChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaChangeListener.class);
    public static final String CHANNEL = "flux_schema_changed";

    private final CaptureConfig config;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean closed;

    public SchemaChangeListener(CaptureConfig config, Runnable onChange) {
        this.config = config;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "flux-capture-schema-" + config.slotName());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        boolean reconnected = false;
        while (!closed) {
            try (Connection c = PgConnections.open(config, "listen")) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (reconnected) {
                    onChange.run();
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        log.info("schema changed ({}): syncing publication {}", notifications[0].getParameter(),
                                config.publicationName());
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    log.warn("schema change listener: {}; reconnecting", e.getMessage());
                    reconnected = true;
                    sleep();
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

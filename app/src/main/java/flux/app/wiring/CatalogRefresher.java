package flux.app.wiring;

import flux.query.QueryEngine;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine's catalog current: LISTENs on {@code flux_schema_changed} on a dedicated
 * connection (outside the pool: a listening connection must stay open and idle) and refreshes
 * the catalog on each notification. After a lost connection it reconnects with backoff and
 * refreshes once, since notifications sent meanwhile are lost.
 */
@Context
@Requires(property = "flux.database.jdbc-url")
public final class CatalogRefresher implements AutoCloseable {
    public static final String CHANNEL = "flux_schema_changed";
    private static final Logger log = LoggerFactory.getLogger(CatalogRefresher.class);
    private static final int POLL_MILLIS = 500;

    private final QueryEngine engine;
    private final String jdbcUrl;
    private final Properties credentials = new Properties();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    CatalogRefresher(QueryEngine engine,
                     @Value("${flux.database.jdbc-url}") String jdbcUrl,
                     @Nullable @Value("${flux.database.username:}") String username,
                     @Nullable @Value("${flux.database.password:}") String password) {
        this.engine = engine;
        this.jdbcUrl = jdbcUrl;
        if (username != null && !username.isEmpty()) {
            credentials.setProperty("user", username);
        }
        if (password != null && !password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", "flux-catalog-listener");
        thread = new Thread(this::listen, "flux-catalog-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        long backoff = 500;
        boolean reconnected = false;
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, credentials)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (reconnected) {
                    engine.catalog().refresh();
                }
                backoff = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
                    if (notes != null && notes.length > 0) {
                        log.info("schema changed ({}): refreshing the catalog", notes[notes.length - 1].getParameter());
                        engine.catalog().refresh();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("catalog listener lost its connection ({}); retrying in {} ms", e.getMessage(), backoff);
                reconnected = true;
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

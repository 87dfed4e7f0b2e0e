package flux.app.wiring;

import flux.log.SchemaDetector;
import flux.pg.SchemaChangeListener;
import flux.query.QueryEngine;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

/**
 * Keeps the engine's catalog current: refreshes it on each {@code NOTIFY flux_schema_changed},
 * through pg's {@link SchemaChangeListener} on a dedicated connection (outside the pool: a
 * listening connection must stay open and idle), which also refreshes once after a lost
 * connection, since notifications sent meanwhile are lost. The same loop runs the schema
 * {@link SchemaDetector}, so DDL that nobody announced (psql, another migration tool) is journaled,
 * announced to capture and the other servers, and refreshes this catalog too: every
 * {@code flux.schema.detect-interval-ms} (default 200; 0 turns the detector off), stretched when the
 * catalog is large (docs/capture.md, "Schema changes").
 *
 * <p>Starts once the HTTP server is up, after the {@code flux} schema (the journal) is installed.
 */
@Singleton
@Requires(property = "flux.database.jdbc-url")
public final class CatalogRefresher implements ApplicationEventListener<ServerStartupEvent>, AutoCloseable {
    private final SchemaChangeListener listener;
    private boolean started;

    CatalogRefresher(QueryEngine engine,
                     @Value("${flux.database.jdbc-url}") String jdbcUrl,
                     @Nullable @Value("${flux.database.username:}") String username,
                     @Nullable @Value("${flux.database.password:}") String password,
                     @Value("${flux.schema.detect-interval-ms:200}") long detectIntervalMs) {
        Properties credentials = new Properties();
        if (username != null && !username.isEmpty()) {
            credentials.setProperty("user", username);
        }
        if (password != null && !password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", "flux-catalog-listener");
        if (detectIntervalMs < 0) {
            throw new IllegalArgumentException("flux.schema.detect-interval-ms (FLUX_SCHEMA_DETECT_INTERVAL_MS) must be"
                    + " 0 (off) or positive: " + detectIntervalMs);
        }
        SchemaChangeListener l = new SchemaChangeListener("refreshing the catalog", "flux-catalog-listener",
                () -> DriverManager.getConnection(jdbcUrl, credentials), () -> engine.catalog().refresh());
        this.listener = detectIntervalMs == 0 ? l
                : l.probing(Duration.ofMillis(detectIntervalMs), new SchemaDetector(changes -> { }));
    }

    @Override
    public synchronized void onApplicationEvent(ServerStartupEvent event) {
        if (!started) {
            listener.start();
            started = true;
        }
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (started) {
            listener.close();
        }
    }
}

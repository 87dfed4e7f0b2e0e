package flux.app.wiring;

import flux.pg.SchemaChangeListener;
import flux.query.QueryEngine;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * Keeps the engine's catalog current: refreshes it on each {@code NOTIFY flux_schema_changed},
 * through pg's {@link SchemaChangeListener} on a dedicated connection (outside the pool: a
 * listening connection must stay open and idle), which also refreshes once after a lost
 * connection, since notifications sent meanwhile are lost.
 */
@Context
@Requires(property = "flux.database.jdbc-url")
public final class CatalogRefresher implements AutoCloseable {
    private final SchemaChangeListener listener;

    CatalogRefresher(QueryEngine engine,
                     @Value("${flux.database.jdbc-url}") String jdbcUrl,
                     @Nullable @Value("${flux.database.username:}") String username,
                     @Nullable @Value("${flux.database.password:}") String password) {
        Properties credentials = new Properties();
        if (username != null && !username.isEmpty()) {
            credentials.setProperty("user", username);
        }
        if (password != null && !password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", "flux-catalog-listener");
        this.listener = new SchemaChangeListener("refreshing the catalog", "flux-catalog-listener",
                () -> DriverManager.getConnection(jdbcUrl, credentials), () -> engine.catalog().refresh()).start();
    }

    @PreDestroy
    @Override
    public void close() {
        listener.close();
    }
}

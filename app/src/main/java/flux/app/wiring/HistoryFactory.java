package flux.app.wiring;

import flux.app.server.StartupFailure;
import flux.history.BlameFolder;
import flux.history.History;
import flux.history.Restore;
import flux.history.Undo;
import flux.pg.DatabaseException;
import flux.query.QueryEngine;
import flux.history.HistorySchema;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Row history: the {@link History} reader, the installation of its schema support (blame
 * summary, time index) when the HTTP server starts, after StartupMigrations has installed the flux
 * schema, and then the background {@link BlameFolder} that keeps the blame summary.
 */
@Factory
final class HistoryFactory {
    @Singleton
    History history(DataSource dataSource) {
        return new History(dataSource);
    }

    /** Undo of a request: planned from the log, applied through the engine like any API write. */
    @Singleton
    Undo undo(DataSource dataSource, QueryEngine engine) {
        return new Undo(dataSource, engine);
    }

    /** Restore of a deleted row, inserted again through the engine. */
    @Singleton
    Restore restore(DataSource dataSource, QueryEngine engine) {
        return new Restore(dataSource, engine);
    }

    @Singleton
    @Bean(preDestroy = "close")
    BlameFolder blameFolder(DataSource dataSource) {
        return new BlameFolder(dataSource);
    }

    /**
     * Stops the folder before the shutdown sequence: the context does not destroy it before the
     * pool it uses (the pool closed under a fold and it logged a failure on every stop).
     */
    @Singleton
    ApplicationEventListener<ShutdownEvent> blameFolderStopper(BlameFolder folder) {
        return event -> folder.close();
    }

    @Singleton
    ApplicationEventListener<ServerStartupEvent> historySchemaInstaller(
            DataSource dataSource, BlameFolder folder,
            @Value("${flux.history.fold-idle-ms:100}") long foldIdleMillis) {
        return event -> {
            try {
                HistorySchema.install(dataSource);
            } catch (DatabaseException failure) {
                SQLException e = failure.sqlCause();
                throw new StartupFailure("cannot install the history schema: " + e.getMessage(), e);
            }
            // How long the folder rests when caught up; 0 leaves folding to another server (reads stay exact).
            if (foldIdleMillis > 0) {
                folder.start(Duration.ofMillis(foldIdleMillis));
            }
        };
    }
}

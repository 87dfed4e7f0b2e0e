package flux.app.wiring;

import flux.app.cli.CliFailure;
import flux.history.History;
import flux.history.HistorySchema;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Row history: the {@link History} reader, and the installation of its schema support
 * (blame summary, trigger, time index) when the HTTP server starts, after FluxServer has
 * installed the flux schema.
 */
@Factory
final class HistoryFactory {

    @Singleton
    History history(DataSource dataSource) {
        return new History(dataSource);
    }

    @Singleton
    ApplicationEventListener<ServerStartupEvent> historySchemaInstaller(DataSource dataSource) {
        return event -> {
            try {
                HistorySchema.install(dataSource);
            } catch (SQLException e) {
                throw new CliFailure("cannot install the history schema: " + e.getMessage(), e);
            }
        };
    }
}

package flux.app.console;

import flux.app.cli.CliFailure;
import flux.console.ConsoleAudit;
import flux.console.ConsoleLimits;
import flux.console.ConsoleLogins;
import flux.console.ConsoleSchema;
import flux.console.SqlConsole;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The SQL console ({@code flux.console}) over the server's pool and database address, and the
 * installation of its tables when the HTTP server starts (after the flux schema, as history's).
 */
@Factory
final class ConsoleFactory {
    @Singleton
    ConsoleAudit consoleAudit(DataSource dataSource) {
        return new ConsoleAudit(dataSource);
    }

    @Singleton
    SqlConsole sqlConsole(DataSource dataSource, ConsoleAudit audit,
                          @Value("${flux.database.jdbc-url}") String jdbcUrl,
                          @Nullable @Value("${flux.database.username:}") String username,
                          @Nullable @Value("${flux.database.password:}") String password,
                          @Value("${flux.console.statement-timeout:30s}") Duration timeout,
                          @Value("${flux.console.max-rows:1000}") int maxRows) {
        ConsoleLimits limits = new ConsoleLimits(timeout, maxRows, ConsoleLimits.DEFAULTS.maxStatements());
        return new SqlConsole(dataSource, new ConsoleLogins(dataSource, jdbcUrl, username, password), audit, limits);
    }

    @Singleton
    ApplicationEventListener<ServerStartupEvent> consoleSchemaInstaller(DataSource dataSource) {
        return event -> {
            try {
                ConsoleSchema.install(dataSource);
            } catch (SQLException e) {
                throw new CliFailure("cannot install the console's tables: " + e.getMessage(), e);
            }
        };
    }
}

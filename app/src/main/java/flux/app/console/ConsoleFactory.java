package flux.app.console;

import flux.console.ConsoleAudit;
import flux.console.ConsoleLimits;
import flux.console.ConsoleLogins;
import flux.console.SqlConsole;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The SQL console ({@code flux.console}) over the server's pool and database address. Its tables
 * are installed with the rest of the flux schema ({@code flux.app.wiring.FluxSchema}).
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
}

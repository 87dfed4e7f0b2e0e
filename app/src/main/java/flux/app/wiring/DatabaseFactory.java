package flux.app.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.app.records.RecordsContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * The connection pool. Built here rather than by micronaut-jdbc-hikari because the address
 * is known only after {@code serve} has started (or found) the database; and this plain
 * DataSource is not transaction-aware, so the engine's explicit transactions own commit
 * and rollback. Only with an address: the CLI's admin context ({@code flux keys}, {@code flux tenants})
 * brings its own connections.
 */
@Factory
final class DatabaseFactory {

    @Singleton
    @Named(RecordsContext.DATA_SOURCE) // Micronaut Data finds its data source by name
    @Requires(property = "flux.database.jdbc-url")
    @Bean(preDestroy = "close")
    HikariDataSource dataSource(@Value("${flux.database.jdbc-url}") String jdbcUrl,
                                @Nullable @Value("${flux.database.username:}") String username,
                                @Nullable @Value("${flux.database.password:}") String password,
                                @Value("${flux.database.pool-size:16}") int poolSize,
                                @Value("${flux.database.min-idle:4}") int minIdle) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("flux");
        config.setJdbcUrl(jdbcUrl);
        if (username != null && !username.isEmpty()) {
            config.setUsername(username);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        // Idle connections are a server's cost too: keep a few, grow under load.
        config.setMinimumIdle(Math.min(minIdle, poolSize));
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        // Start even when the database is briefly away: /health reports it down.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}

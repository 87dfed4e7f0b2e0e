package flux.history.cost;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.TestPostgres;
import flux.history.HistorySchema;
import java.sql.SQLException;

/** A database of its own for a cost guard: a small pool on it, the log and history schemas installed. */
final class CostDatabase {
    private CostDatabase() {
    }

    /** Close the pool in the class's {@code @AfterAll}: the database is dropped after it. */
    static HikariDataSource open(TestPostgres pg, String name) throws SQLException {
        TestPostgres db = pg.newDatabase(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(4);
        HikariDataSource dataSource = new HikariDataSource(config);
        HistorySchema.install(dataSource);
        return dataSource;
    }
}

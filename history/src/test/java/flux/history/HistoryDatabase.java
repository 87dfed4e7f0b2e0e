package flux.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.TestPostgres;
import flux.history.testing.MutationLogFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh database per test class with the flux and history schemas, a pool and a writer. */
final class HistoryDatabase implements AutoCloseable {
    final TestPostgres pg;
    final HikariDataSource dataSource;
    final MutationLogFixture writes;
    final History history;

    HistoryDatabase(TestPostgres server, String name) throws SQLException {
        pg = server.newDatabase(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.jdbcUrl());
        config.setUsername(pg.user());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        HistorySchema.install(dataSource);
        writes = new MutationLogFixture(dataSource);
        history = new History(dataSource);
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}

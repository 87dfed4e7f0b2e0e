package flux.query.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import flux.query.QueryEngine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A test database with the mutation log, a pool, and an engine over it. */
public final class EngineFixture implements AutoCloseable {
    public final TestPostgres db;
    public final HikariDataSource dataSource;
    public final QueryEngine engine;

    public EngineFixture(TestPostgres server, String name, String ddl) {
        this.db = server.newDatabase(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(8);
        this.dataSource = new HikariDataSource(config);
        LogSchema.install(dataSource);
        execute(ddl);
        this.engine = new QueryEngine(dataSource, 100);
    }

    public void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of the query's result, columns as text, rows joined by newlines: a cheap snapshot. */
    public List<List<String>> rows(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String one(String sql) {
        List<List<String>> rows = rows(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}

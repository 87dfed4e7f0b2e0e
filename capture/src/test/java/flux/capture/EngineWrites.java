package flux.capture;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

/**
 * Writes to capture's test tables through the Data Engine itself, so capture pairs the engine's
 * own mutation records: a small pool and a {@link QueryEngine} over it. Tables have the shape
 * {@code (id bigint primary key, owner text, balance numeric(12,2), updated_at timestamptz)} in
 * schema public ({@link #createTable}).
 */
final class EngineWrites implements AutoCloseable {
    private final HikariDataSource pool;
    private final QueryEngine engine;

    /** {@code user} may be empty (the URL names it). */
    EngineWrites(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (!user.isEmpty()) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        pool = new HikariDataSource(config);
        engine = new QueryEngine(pool);
    }

    QueryEngine engine() {
        return engine;
    }

    /** Over a test database. */
    static EngineWrites on(flux.dev.testing.TestPostgres db) {
        return new EngineWrites(db.jdbcUrl(), db.user(), db.password());
    }

    /** Creates the table (if missing) and makes the engine see it. */
    void createTable(String table) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS public." + table + " (id bigint PRIMARY KEY, owner text NOT NULL,"
                    + " balance numeric(12,2) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
        }
        engine.catalog().refresh();
    }

    void insert(String requestId, String table, long id, String owner, String balance) {
        engine.query(RequestId.of(requestId), insert(table, id, owner, balance));
    }

    /** Inserts rows {@code from} to {@code to} (owner {@code owner<id>}, balance 1.00) in one transaction. */
    void insertAll(String requestId, String table, long from, long to) {
        engine.transaction(RequestId.of(requestId), tx -> {
            for (long id = from; id <= to; id++) {
                tx.query(insert(table, id, "owner" + id, "1.00"));
            }
        });
    }

    void update(String requestId, String table, long id, String balance) {
        engine.query(RequestId.of(requestId), Query.update(table)
                .set(Map.of("balance", new BigDecimal(balance), "updated_at", Instant.now().toString()))
                .where("id", Op.EQ, id).build());
    }

    void delete(String requestId, String table, long id) {
        engine.query(RequestId.of(requestId), Query.delete(table).where("id", Op.EQ, id).build());
    }

    private static Query insert(String table, long id, String owner, String balance) {
        return Query.insert(table).set(Map.of("id", id, "owner", owner, "balance", new BigDecimal(balance))).build();
    }

    @Override
    public void close() {
        pool.close();
    }
}

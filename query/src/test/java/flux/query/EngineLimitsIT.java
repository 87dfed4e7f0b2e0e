package flux.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine's resource limits against a real PostgreSQL: the statement timeout set with the
 * request tag, and a pool with no free connection. The pool has one connection, so whatever a
 * request leaves on it, the next one meets.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class EngineLimitsIT {
    private final TestPostgres db;
    private final HikariDataSource pool;

    EngineLimitsIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("engine_limits");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        pool = new HikariDataSource(config);
        LogSchema.install(pool);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)");
        }
    }

    @AfterAll
    void close() {
        pool.close();
    }

    @BeforeEach
    void reset() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE counters, flux.state_mutations; INSERT INTO counters VALUES (1, 10)");
        }
    }

    private QueryEngine engine(Duration statementTimeout) {
        return new QueryEngine(pool, new EngineLimits(100, 100, statementTimeout), trace -> { });
    }

    private static Query bump() {
        return Query.update("counters").set(Map.of("value", 11)).where("id", Op.EQ, 1).build();
    }

    @Test
    void aStatementPastTheTimeoutIsCancelledChangesNothingAndTheTimeoutEndsWithTheTransaction() throws Exception {
        QueryEngine engine = engine(Duration.ofMillis(300));
        CompletableFuture<QueryResult> blocked;
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM counters WHERE id = 1 FOR UPDATE");
            blocked = CompletableFuture.supplyAsync(() -> engine.query(RequestId.of("slow-1"), bump()));
            // Without the timeout the update waits for the lock until the holder lets go (below).
            assertThat(blocked).failsWithin(Duration.ofSeconds(15)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(LimitReached.class, e -> {
                        assertThat(e.limit()).isEqualTo(LimitReached.Limit.STATEMENT_TIMEOUT);
                        assertThat(e.sqlState()).isEqualTo("57014");
                    });
            holder.rollback();
        }
        assertThat(one("SELECT value FROM counters WHERE id = 1")).isEqualTo("10");
        assertThat(one("SELECT count(*) FROM flux.state_mutations WHERE status = 'committed'")).isEqualTo("0");
        try (Connection same = pool.getConnection(); Statement st = same.createStatement();
             ResultSet rs = st.executeQuery("SHOW statement_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).as("the pool's only connection, after the request").isEqualTo("0");
        }
        assertThat(engine.query(RequestId.of("fast-1"), bump()).rows()).hasSize(1);
    }

    @Test
    void aZeroTimeoutLetsAStatementWaitAsLongAsItNeeds() throws Exception {
        QueryEngine engine = engine(Duration.ZERO);
        CompletableFuture<QueryResult> waiting;
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM counters WHERE id = 1 FOR UPDATE");
            waiting = CompletableFuture.supplyAsync(() -> engine.query(RequestId.of("patient-1"), bump()));
            await().atMost(Duration.ofSeconds(20)).until(() -> "Lock".equals(one(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE query LIKE '%flux_w%' AND pid <> pg_backend_pid()")));
            holder.rollback();
        }
        assertThat(waiting.get().rows()).hasSize(1);
        assertThat(one("SELECT value FROM counters WHERE id = 1")).isEqualTo("11");
    }

    @Test
    void noFreeConnectionWithinThePoolsTimeoutIsPoolExhaustedNotADatabaseFailure() throws Exception {
        QueryEngine engine = engine(Duration.ofSeconds(5));
        try (Connection busy = pool.getConnection()) {
            assertThat(busy.isValid(1)).isTrue();
            assertThatThrownBy(() -> engine.query(RequestId.of("crowded-1"), bump()))
                    .isInstanceOfSatisfying(LimitReached.class,
                            e -> assertThat(e.limit()).isEqualTo(LimitReached.Limit.POOL_EXHAUSTED));
        }
        assertThat(engine.query(RequestId.of("crowded-2"), bump()).rows()).hasSize(1);
    }

    private String one(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

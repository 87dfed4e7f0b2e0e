package flux.observe;

import flux.query.QueryTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The observers fed by statements really run against PostgreSQL. */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryObserversIT {
    private static final String BY_ID = "SELECT row_to_json(flux_r.*)::text FROM (SELECT t.\"id\", t.\"name\""
            + " FROM \"public\".\"accounts\" AS t WHERE t.\"id\" = CAST(? AS integer) LIMIT ?) AS flux_r";
    private static final String BY_IDS = "SELECT row_to_json(flux_r.*)::text FROM (SELECT t.\"id\", t.\"name\""
            + " FROM \"public\".\"accounts\" AS t WHERE t.\"id\" = ANY(CAST(CAST(? AS text[]) AS integer[])) LIMIT ?) AS flux_r";
    private static final String EVENTS_BY = "SELECT row_to_json(flux_r.*)::text FROM (SELECT t.\"id\""
            + " FROM \"public\".\"events\" AS t WHERE t.\"%s\" = CAST(? AS integer) LIMIT ?) AS flux_r";

    private final HikariDataSource dataSource;
    private QueryObservers observers;
    private TracedJdbc jdbc;

    QueryObserversIT(TestPostgres pg) {
        TestPostgres db = pg.newDatabase("observe");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(4);
        this.dataSource = new HikariDataSource(config);
    }

    @BeforeAll
    void createTables() throws SQLException {
        exec("CREATE TABLE accounts (id int PRIMARY KEY, name text)",
                "INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 100) g",
                "CREATE TABLE events (id int PRIMARY KEY, account_id int NOT NULL, kind text)",
                "INSERT INTO events SELECT g, g % 5000, 'k' || (g % 3) FROM generate_series(1, 100000) g",
                "CREATE TABLE small (id int PRIMARY KEY, account_id int)",
                "INSERT INTO small SELECT g, g FROM generate_series(1, 100) g",
                "ANALYZE accounts", "ANALYZE events", "ANALYZE small");
        observers = QueryObservers.start(ObserveSettings.defaults(), dataSource, List.of());
        jdbc = new TracedJdbc(observers);
    }

    @AfterAll
    void close() {
        observers.close();
        dataSource.close();
    }

    /**
     * Slowness decided by the statements themselves, not by the machine: two sleep past the
     * threshold (they cannot be faster), and the fast one is reported as taking 1 ms, as the
     * engine would time it, so a busy machine cannot make it slow. Observers of its own: other
     * tests' real statements may be slow here.
     */
    @Test
    void aDeliberatelySlowQueryIsFlaggedOnceWithItsPlan() throws SQLException {
        String sql = "SELECT pg_sleep(CAST(? AS float8)), t.\"name\" FROM \"public\".\"accounts\" AS t WHERE t.\"id\" = CAST(? AS integer)";
        String request = UUID.randomUUID().toString();
        try (QueryObservers own = QueryObservers.start(ObserveSettings.defaults(), dataSource, List.of());
             Connection c = dataSource.getConnection()) {
            // analysed in order: once the slow ones are counted, the fast one was judged before them
            own.onQuery(new QueryTrace(request, null, "select", "public", "accounts", BY_ID, List.of("9", 1000L),
                    List.of("id"), 1, Duration.ofMillis(1).toNanos(), null, Instant.now()));
            TracedJdbc traced = new TracedJdbc(own);
            traced.select(c, request, "accounts", sql, List.of("0.2", "7"), "id");
            traced.select(c, request, "accounts", sql, List.of("0.15", "8"), "id");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(own.slowQueries().list(TenantView.ALL))
                    .singleElement().satisfies(q -> {
                        assertThat(q.sql()).isEqualTo(sql);
                        assertThat(q.count()).isEqualTo(2);
                        assertThat(q.maxMs()).isGreaterThanOrEqualTo(200.0);
                        assertThat(q.table()).isEqualTo("public.accounts");
                        assertThat(q.plan()).contains("Scan on accounts t").contains("(id = $2)");
                    }));
            assertThat(own.slowQueries().total()).isEqualTo(2);
        }
    }

    @Test
    void theGenericPlanIsTakenFromTheParameterizedTextAndAWriteIsExplainedWithoutRunning() throws SQLException {
        PlanExplainer explainer = new PlanExplainer(dataSource);
        assertThat(explainer.text(BY_ID, List.of())).contains("Seq Scan on accounts t").contains("Filter: (id = $1)");
        // nothing fixes the type of this placeholder, so it does not prepare: explained with its value
        assertThat(explainer.text("SELECT t.\"id\" FROM \"public\".\"accounts\" AS t WHERE ? IS NULL", List.of("x")))
                .contains("One-Time Filter: false");
        String insert = "WITH w AS (INSERT INTO \"public\".\"accounts\" AS t (\"id\", \"name\")"
                + " VALUES (CAST(? AS integer), CAST(? AS text)) RETURNING t.*) SELECT count(*) FROM w";
        assertThat(explainer.text(insert, List.of("500", "new"))).contains("Insert on accounts");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM accounts WHERE id = 500")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
            // and no prepared statement is left on the pooled connection
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE name = 'flux_observe_plan'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void twentySingleIdSelectsInOneRequestAreAnNPlusOneAndOneInQueryIsNot() throws SQLException {
        String loop = UUID.randomUUID().toString();
        String batch = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int id = 1; id <= 20; id++) {
                jdbc.select(c, loop, "accounts", BY_ID, List.of(Integer.toString(id), 1000L), "id");
            }
            c.commit();
            observers.onRequestEnd(loop);
            String[] ids = new String[20];
            for (int i = 0; i < 20; i++) {
                ids[i] = Integer.toString(i + 1);
            }
            QueryTrace in = jdbc.select(c, batch, "accounts", BY_IDS, List.of(ids, 1000L), "id");
            c.commit();
            observers.onRequestEnd(batch);
            assertThat(in.rows()).isEqualTo(20);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observers.nPlusOne().findings(TenantView.ALL))
                .filteredOn(f -> f.sql().equals(BY_ID)).singleElement().satisfies(f -> {
                    assertThat(f.requestId()).isEqualTo(loop);
                    assertThat(f.repetitions()).isEqualTo(20);
                    assertThat(f.suggestion()).contains("\"op\": \"in\"");
                }));
        // both requests were analysed in order; the batch left no finding
        assertThat(observers.backlog()).isZero();
        assertThat(observers.nPlusOne().findings(TenantView.ALL)).noneMatch(f -> f.requestId().equals(batch));
    }

    @Test
    void repeatedFiltersOnAnUnindexedColumnOfALargeTableYieldASuggestionThatDisappearsOnceApplied() throws Exception {
        String request = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            for (int i = 0; i < 12; i++) {
                jdbc.select(c, request, "events", EVENTS_BY.formatted("account_id"), List.of(Integer.toString(i), 10L), "account_id");
                jdbc.select(c, request, "events", EVENTS_BY.formatted("id"), List.of(Integer.toString(i), 10L), "id");
                jdbc.select(c, request, "small", "SELECT * FROM \"public\".\"small\" AS t WHERE t.\"account_id\" = CAST(? AS integer)",
                        List.of(Integer.toString(i)), "account_id");
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> observers.backlog() == 0
                && observers.indexAdvisor().advise(dataSource, TenantView.ALL).skipped().size() + observers.indexAdvisor().advise(dataSource, TenantView.ALL).suggestions().size() >= 3);
        IndexAdvisor.Advice advice = observers.indexAdvisor().advise(dataSource, TenantView.ALL);
        assertThat(advice.suggestions()).singleElement().satisfies(s -> {
            assertThat(s.table()).isEqualTo("public.events");
            assertThat(s.column()).isEqualTo("account_id");
            assertThat(s.filters()).isEqualTo(12);
            assertThat(s.rows()).isEqualTo(100_000);
            assertThat(s.plan()).startsWith("Seq Scan on public.events");
            assertThat(s.statement()).isEqualTo(
                    "CREATE INDEX CONCURRENTLY \"events_account_id_idx\" ON \"public\".\"events\" (\"account_id\")");
        });
        assertThat(advice.skipped()).anySatisfy(s -> {
            assertThat(s.table()).isEqualTo("public.events");
            assertThat(s.reason()).isEqualTo("indexed by events_pkey");
        }).anySatisfy(s -> {
            assertThat(s.table()).isEqualTo("public.small");
            assertThat(s.reason()).contains("under the 10000-row floor");
        });

        exec(advice.suggestions().get(0).statement());
        IndexAdvisor.Advice after = observers.indexAdvisor().advise(dataSource, TenantView.ALL);
        assertThat(after.suggestions()).isEmpty();
        assertThat(after.skipped()).anySatisfy(s -> {
            assertThat(s.column()).isEqualTo("account_id");
            assertThat(s.table()).isEqualTo("public.events");
            assertThat(s.reason()).isEqualTo("indexed by events_account_id_idx");
        });
    }

    @Test
    void aFilterThatKeepsMostRowsIsNotWorthAnIndex() throws Exception {
        IndexAdvisor advisor = new IndexAdvisor(3, 10_000);
        String sql = "SELECT t.\"id\" FROM \"public\".\"events\" AS t WHERE t.\"kind\" = CAST(? AS text)";
        try (Connection c = dataSource.getConnection()) {
            TracedJdbc direct = new TracedJdbc(advisor::record);
            for (int i = 0; i < 3; i++) {
                direct.select(c, "r", "events", sql, List.of("k" + i), "kind");
            }
        }
        assertThat(advisor.advise(dataSource, TenantView.ALL).suggestions()).isEmpty();
        assertThat(advisor.advise(dataSource, TenantView.ALL).skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("of the rows: an index would not help"));
    }

    private void exec(String... statements) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}

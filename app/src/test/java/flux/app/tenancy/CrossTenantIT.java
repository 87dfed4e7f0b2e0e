package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.app.Cli;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two row-level tenants and two schema tenants against a real server in keys mode, every
 * endpoint tried across tenants. The pool has one connection, so every request reuses the
 * connection the previous tenant's request used.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossTenantIT {
    private final TestPostgres db;
    private final Path home;
    private final TestServer server;
    private final String acme;
    private final String globex;
    private final String initech;
    private final String hooli;

    CrossTenantIT(TestPostgres pg, TestKafka kafka, @TempDir Path home) throws Exception {
        db = pg.newDatabase("cross_tenant");
        this.home = home;
        Files.writeString(home.resolve("database.url"),
                db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password() + "\n");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            st.execute("CREATE TABLE plain (id int PRIMARY KEY)");
        }
        for (String[] t : new String[][] {{"app-acme", "row"}, {"app-globex", "row"}, {"app-initech", "schema"},
                {"app-hooli", "schema"}}) {
            assertThat(cli("tenants", "create", t[0], "--mode", t[1]).exitCode()).isZero();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t_app_initech_api.items (id int PRIMARY KEY, name text)");
            st.execute("CREATE TABLE t_app_hooli_api.items (id int PRIMARY KEY, name text)");
            st.execute("INSERT INTO t_app_hooli_api.items VALUES (1, 'hooli secret')");
        }
        acme = key("app-acme");
        globex = key("app-globex");
        initech = key("app-initech");
        hooli = key("app-hooli");
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys", "flux.database.pool-size", 1,
                "flux.database.min-idle", 1, "flux.tenancy.cache-ttl-ms", 0, "flux.tenancy.quota-interval", "200ms"));
    }

    /**
     * Every test starts from the same rows, written through the API: a test that failed half-way
     * (a row moved, a quota left on) cannot fail the ones after it.
     */
    @BeforeEach
    void theSameRowsForEachTest() throws Exception {
        assertThat(cli("tenants", "create", "app-globex", "--quota", "none").exitCode()).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE notes, t_app_initech_api.items, flux.state_mutations, flux.row_blame");
        }
        assertThat(post(acme, "/v1/query", insert("notes", "{\"id\":1,\"body\":\"a1\"}")).statusCode()).isEqualTo(200);
        assertThat(post(acme, "/v1/query", insert("notes", "{\"id\":2,\"body\":\"a2\"}")).statusCode()).isEqualTo(200);
        // the quota meter may still remember a quota a failed test left exceeded
        HttpResponse<String> g = await().atMost(Duration.ofSeconds(30)).until(() -> post(globex, "/v1/query",
                insert("notes", "{\"id\":3,\"body\":\"g3\"}"), "X-Request-Id", "globex-write"), r -> r.statusCode() == 200);
        assertThat(g.body()).contains("\"tenant_id\":\"app-globex\"");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Cli cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = home.toString();
        return Cli.run(all);
    }

    private String key(String tenant) {
        return cli("keys", "create", "--tenant", tenant, "--role", "read-write").out().strip();
    }

    private HttpResponse<String> post(String key, String path, String json, String... headers) throws Exception {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = "Bearer " + key;
        return server.post(path, json, all);
    }

    private HttpResponse<String> get(String key, String path) throws Exception {
        return server.get(path, "Authorization", "Bearer " + key);
    }

    private static String insert(String table, String data) {
        return "{\"table\":\"" + table + "\",\"operation\":\"insert\",\"data\":" + data + "}";
    }

    private String select(String key, String filters) throws Exception {
        HttpResponse<String> r = post(key, "/v1/query",
                "{\"table\":\"notes\",\"operation\":\"select\",\"columns\":[\"id\"],\"order\":[{\"column\":\"id\"}],"
                        + "\"filters\":" + filters + "}");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().substring(r.body().indexOf("\"rows\""));
    }

    private String one(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void readsNeverReturnAnotherTenantsRows() throws Exception {
        assertThat(select(acme, "[]")).isEqualTo("\"rows\":[{\"id\":1},{\"id\":2}]}");
        assertThat(select(acme, "[{\"column\":\"id\",\"op\":\"eq\",\"value\":3}]")).isEqualTo("\"rows\":[]}");
        assertThat(select(acme, "[{\"column\":\"id\",\"op\":\"in\",\"value\":[1,3]}]")).isEqualTo("\"rows\":[{\"id\":1}]}");
        assertThat(select(acme, "[{\"column\":\"tenant_id\",\"op\":\"eq\",\"value\":\"app-globex\"}]"))
                .isEqualTo("\"rows\":[]}");
        assertThat(select(acme, "[{\"column\":\"tenant_id\",\"op\":\"like\",\"value\":\"%\"},"
                + "{\"column\":\"id\",\"op\":\"gte\",\"value\":3}]")).isEqualTo("\"rows\":[]}");
        assertThat(select(globex, "[]")).isEqualTo("\"rows\":[{\"id\":3}]}");
        HttpResponse<String> plain = post(acme, "/v1/query", "{\"table\":\"plain\",\"operation\":\"select\"}");
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("unknown-table");
    }

    @Test
    void writesToAnotherTenantsRowsChangeNothingAndWritingItsIdIsForbidden() throws Exception {
        String update = "{\"table\":\"notes\",\"operation\":\"update\",\"data\":{\"body\":\"x\"},"
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":3}]}";
        assertThat(post(acme, "/v1/query", update).body()).contains("\"rows\":[]");
        assertThat(post(acme, "/v1/query", "{\"table\":\"notes\",\"operation\":\"delete\","
                + "\"filters\":[{\"column\":\"id\",\"op\":\"in\",\"value\":[3]}]}").body()).contains("\"rows\":[]");
        assertThat(post(acme, "/v1/transaction", "{\"queries\":[" + update + ",{\"table\":\"notes\",\"operation\":"
                + "\"delete\",\"filters\":[{\"column\":\"tenant_id\",\"op\":\"eq\",\"value\":\"app-globex\"}]}]}").body())
                .endsWith("\"results\":[{\"rows\":[]},{\"rows\":[]}]}");
        assertThat(one("SELECT body || tenant_id FROM notes WHERE id = 3")).isEqualTo("g3app-globex");

        HttpResponse<String> foreign = post(acme, "/v1/query", insert("notes", "{\"id\":9,\"tenant_id\":\"app-globex\"}"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("https://flux.dev/problems/tenant-mismatch");
        HttpResponse<String> move = post(acme, "/v1/query", "{\"table\":\"notes\",\"operation\":\"update\","
                + "\"data\":{\"tenant_id\":\"app-globex\"},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}");
        assertThat(move.statusCode()).isEqualTo(403);
        assertThat(one("SELECT count(*) FROM notes WHERE id = 9 OR (id = 1 AND tenant_id <> 'app-acme')")).isEqualTo("0");
    }

    @Test
    void historyBlameAsOfAndRequestsOfAnotherTenantAreNotFound() throws Exception {
        for (String path : new String[] {"/v1/state/notes/3/history", "/v1/state/notes/3/blame",
                "/v1/state/notes/3/at?time=2999-01-01T00:00:00Z", "/v1/requests/globex-write"}) {
            HttpResponse<String> r = get(acme, path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("g3");
            assertThat(get(globex, path).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> own = get(acme, "/v1/state/notes/1/history");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"tenant_id\":\"app-acme\"").doesNotContain("app-globex");

        Cli mine = Cli.run("state", "history", "notes", "--id", "1", "--url", server.url(), "--api-key", acme);
        assertThat(mine.exitCode()).as(mine.err()).isZero();
        assertThat(mine.out()).contains("tenant:app-acme");
        Cli theirs = Cli.run("state", "history", "notes", "--id", "3", "--url", server.url(), "--api-key", acme);
        assertThat(theirs.exitCode()).isEqualTo(1);
        assertThat(theirs.out()).doesNotContain("g3");
    }

    @Test
    void rlsHoldsForRawSqlOnTheEnginesOwnConnection() throws Exception {
        select(globex, "[]"); // the pool's only connection just served globex
        DataSource pool = server.context().getBean(DataSource.class);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT set_config('role', 'flux_runtime', true)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM notes")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no tenant setting: nothing").isZero();
            }
            st.execute("SELECT set_config('flux.tenant_id', 'app-globex', true)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM notes WHERE tenant_id = 'app-acme' OR id < 3")) {
                rs.next();
                assertThat(rs.getInt(1)).as("another tenant's setting: none of acme's rows").isZero();
            }
            assertThatThrownBy(() -> st.execute("INSERT INTO notes VALUES (50, 'app-acme', 'sneaky')"))
                    .hasMessageContaining("row-level security");
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void schemaTenantsReachOnlyTheirOwnSchema() throws Exception {
        assertThat(post(initech, "/v1/query", insert("items", "{\"id\":1,\"name\":\"mine\"}")).statusCode()).isEqualTo(200);
        HttpResponse<String> own = post(initech, "/v1/query", "{\"table\":\"items\",\"operation\":\"select\"}");
        assertThat(own.body()).contains("mine").doesNotContain("hooli secret");
        for (String other : new String[] {"t_app_hooli_api.items", "public.notes", "notes", "flux.state_mutations"}) {
            HttpResponse<String> r = post(initech, "/v1/query", "{\"table\":\"" + other + "\",\"operation\":\"select\"}");
            assertThat(r.statusCode()).as(other).isEqualTo(400);
            assertThat(r.body()).contains("unknown-table");
        }
        assertThat(post(hooli, "/v1/query", "{\"table\":\"items\",\"operation\":\"select\"}").body())
                .contains("hooli secret").doesNotContain("mine");
        assertThat(get(hooli, "/v1/state/items/1/history").body()).contains("hooli").doesNotContain("mine");
        assertThat(get(initech, "/v1/state/items/1/history").body()).contains("mine");

        DataSource pool = server.context().getBean(DataSource.class);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT set_config('role', 't_app_initech', true)");
            st.execute("SET LOCAL search_path = t_app_hooli_api, flux, public");
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM items")).hasMessageContaining("does not exist");
            c.rollback();
            st.execute("SELECT set_config('role', 't_app_initech', true)");
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM flux.state_mutations"))
                    .hasMessageContaining("permission denied");
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /**
     * A time-travel select with a tenant's key: a schema tenant's table created while Flux watched
     * (journaled in its creating transaction, as a Flux migration does) answers its past rows;
     * another tenant's is unknown; a table the server found already there is refused for tenants
     * as for everyone.
     */
    @Test
    void aTenantsTimeTravelSelectReadsOnlyItsOwnPastRows() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TABLE t_app_initech_api.memos (id int PRIMARY KEY, body text)");
            flux.log.SchemaJournal.recordInTransaction(c, flux.log.SchemaChange.Recorder.MIGRATION);
            c.commit();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> post(initech, "/v1/query",
                insert("memos", "{\"id\":1,\"body\":\"then\"}")).statusCode() == 200);
        String then;
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            then = rs.getObject(1, java.time.OffsetDateTime.class).toInstant().toString();
        }
        assertThat(post(initech, "/v1/query", "{\"table\":\"memos\",\"operation\":\"update\",\"data\":{\"body\":\"now\"},"
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}").statusCode()).isEqualTo(200);

        String past = "{\"operation\":\"select\",\"as_of\":\"" + then + "\",\"table\":";
        HttpResponse<String> own = post(initech, "/v1/query", past + "\"memos\"}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains("\"rows\":[{\"id\":1,\"body\":\"then\"}]");
        for (String other : new String[] {"memos", "t_app_initech_api.memos"}) {
            HttpResponse<String> r = post(hooli, "/v1/query", past + "\"" + other + "\"}");
            assertThat(r.statusCode()).as(other).isEqualTo(400);
            assertThat(r.body()).contains("unknown-table").doesNotContain("then");
        }
        HttpResponse<String> uncovered = post(acme, "/v1/query", past + "\"notes\"}");
        assertThat(uncovered.statusCode()).isEqualTo(400);
        assertThat(uncovered.body()).contains("already there");
    }

    @Test
    void writesOverTheQuotaAreRefusedUntilDeletesBringTheTenantUnder() throws Exception {
        assertThat(post(globex, "/v1/query", insert("notes", "{\"id\":20,\"body\":\"" + "x".repeat(400) + "\"}"))
                .statusCode()).isEqualTo(200);
        assertThat(cli("tenants", "create", "app-globex", "--quota", "300").exitCode()).isZero();
        HttpResponse<String> refused = awaitInsertStatus(403);
        assertThat(refused.body()).contains("https://flux.dev/problems/quota-exceeded").contains("app-globex");
        assertThat(select(globex, "[{\"column\":\"id\",\"op\":\"eq\",\"value\":20}]")).contains("{\"id\":20}");
        assertThat(post(acme, "/v1/query", "{\"table\":\"notes\",\"operation\":\"update\",\"data\":{\"body\":\"a1\"},"
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}").statusCode())
                .as("other tenants write on").isEqualTo(200);
        String deleteAdded = "{\"table\":\"notes\",\"operation\":\"delete\","
                + "\"filters\":[{\"column\":\"id\",\"op\":\"gte\",\"value\":20}]}";
        assertThat(post(globex, "/v1/query", deleteAdded).statusCode()).isEqualTo(200);
        awaitInsertStatus(200);
        assertThat(cli("tenants", "list").out()).contains("app-globex").contains("300").doesNotContain("OVER QUOTA");
        assertThat(cli("tenants", "create", "app-globex", "--quota", "none").exitCode()).isZero();
        assertThat(post(globex, "/v1/query", deleteAdded).statusCode()).isEqualTo(200);
    }

    /** Inserts fresh rows until the background meter's figures give the expected status. */
    private HttpResponse<String> awaitInsertStatus(int status) {
        return await("an insert answered " + status).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> post(globex, "/v1/query", insert("notes", "{\"id\":" + nextId++ + ",\"body\":\"more\"}")),
                        r -> r.statusCode() == status);
    }

    private int nextId = 100;
}

package flux.app.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.app.TestServer;
import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin schema API over a server in keys mode: who may call it, and what it answers. */
@ExtendWith(FluxTestInfra.class)
class SchemaAdminIT {
    private final TestPostgres db;
    private final TestKafka kafka;
    private TestServer server;
    private String admin;
    private String writer;

    @TempDir
    Path schema;

    SchemaAdminIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("schema_admin");
        this.kafka = kafka;
    }

    @BeforeEach
    void start() throws Exception {
        Files.writeString(schema.resolve("001_users.sql"), "CREATE TABLE users (id int PRIMARY KEY, email text, plan text, tenant_id text);");
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys", "flux.auth.cache-ttl-ms", 0,
                "flux.migrations.dir", schema.toString(), "flux.migrations.desired", schema.resolve("schema.sql").toString(),
                "flux.migrations.lint.large-table-rows", 1));
        KeyAdministration keys = server.context().getBean(KeyAdministration.class);
        admin = "Bearer " + keys.create(AuditLog.CLI, "ops", Role.ADMIN, null).token();
        writer = "Bearer " + keys.create(AuditLog.CLI, "ops", Role.READ_WRITE, null).token();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void onlyAdminKeysMayUseItAndOthersGetProblems() throws Exception {
        HttpResponse<String> none = server.get("/v1/admin/schema/status?drift=false");
        HttpResponse<String> wrongRole = server.post("/v1/admin/schema/apply", "{}", "Authorization", writer);
        HttpResponse<String> bad = server.get("/v1/admin/schema/status", "Authorization", "Bearer flux_00000000_nope");
        HttpResponse<String> ok = server.get("/v1/admin/schema/status?drift=false", "Authorization", admin);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(wrongRole.statusCode()).isEqualTo(403);
        assertThat(wrongRole.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("application/problem+json"));
        assertThat(wrongRole.body()).contains("\"type\":\"https://flux.dev/problems/forbidden\"")
                .contains("this API key is read-write; this needs admin");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"name\":\"001_users.sql\"").contains("\"pending\":[]")
                .contains("\"checked\":false");
        for (String path : new String[] {"/v1/admin/schema", "/v1/admin/schema/usage"}) {
            assertThat(server.get(path, "Authorization", writer).statusCode()).as(path).isEqualTo(403);
        }
        for (String path : new String[] {"/v1/admin/schema/plan", "/v1/admin/schema/validate"}) {
            assertThat(server.post(path, "{}", "Authorization", writer).statusCode()).as(path).isEqualTo(403);
        }
    }

    @Test
    void planLintsThePendingFilesAndApplyRunsThem() throws Exception {
        Files.writeString(schema.resolve("002_drop_plan.sql"), "ALTER TABLE users DROP COLUMN plan;");

        HttpResponse<String> plan = server.post("/v1/admin/schema/plan", "", "Authorization", admin);
        HttpResponse<String> applied = server.post("/v1/admin/schema/apply", "", "Authorization", admin);
        HttpResponse<String> status = server.get("/v1/admin/schema/status", "Authorization", admin);

        assertThat(plan.statusCode()).isEqualTo(200);
        assertThat(plan.body()).contains("{\"file\":\"002_drop_plan.sql\",\"action\":\"apply\",\"mode\":\"versioned\"")
                .contains("\"rule\":\"drops-column\"");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(applied.body()).contains("\"file\":\"002_drop_plan.sql\"");
        assertThat(status.body()).contains("\"pending\":[]").contains("\"checked\":true").contains("\"drift\":false");
    }

    @Test
    void validateReportsDriftAndTheDumpAndDesiredStateFollowTheDatabase() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE INDEX users_email ON users (email)");
        }
        Files.writeString(schema.resolve("schema.sql"), "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, tenant_id text);");

        HttpResponse<String> validate = server.post("/v1/admin/schema/validate", "", "Authorization", admin);
        // The web UI's migrations page shows the same drift, on demand (before the apply below changes it).
        HttpResponse<String> page = server.get("/ui/migrations", "Cookie", "flux_key=" + admin.substring(7));
        assertThat(page.body()).as("the page loads without replaying; its button asks").contains("id=\"check-drift\"")
                .doesNotContain("users_email");
        HttpResponse<String> drift = server.get("/ui/migrations/drift", "Cookie", "flux_key=" + admin.substring(7));
        assertThat(drift.statusCode()).isEqualTo(200);
        assertThat(drift.body()).contains("id=\"drift-found\"", "1 difference(s)", "public.users.users_email",
                "DROP INDEX");
        assertThat(server.get("/ui/migrations/drift", "Cookie", "flux_key=" + writer.substring(7)).statusCode())
                .as("admin only, as the page").isEqualTo(403);
        HttpResponse<String> dump = server.get("/v1/admin/schema", "Authorization", admin);
        HttpResponse<String> refused = server.post("/v1/admin/schema/apply", "{\"declarative\": true}", "Authorization", admin);
        HttpResponse<String> declarative = server.post("/v1/admin/schema/apply",
                "{\"declarative\": true, \"allow_destructive\": true}", "Authorization", admin);

        assertThat(validate.body()).contains("\"valid\":false")
                .contains("drift: 1 difference(s) between the live database and its applied migrations")
                .contains("\"name\":\"public.users.users_email\"");
        assertThat(dump.body()).contains("CREATE INDEX users_email ON public.users USING btree (email)");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("\"type\":\"https://flux.dev/problems/invalid-migration\"")
                .contains("the desired state drops column public.users.plan");
        assertThat(declarative.statusCode()).isEqualTo(200);
        assertThat(declarative.body()).contains("DROP COLUMN \\\"plan\\\"");
    }

    @Test
    void columnsThatApiQueriesUsedAreSeenByTheLintOfTheCli() throws Exception {
        HttpResponse<String> query = server.post("/v1/query",
                "{\"table\":\"users\",\"operation\":\"select\",\"columns\":[\"plan\"],"
                        + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}", "Authorization", admin);
        assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
        HttpResponse<String> usage = server.get("/v1/admin/schema/usage", "Authorization", admin);
        Files.writeString(schema.resolve("002_drop_plan.sql"), "ALTER TABLE users DROP COLUMN plan;");

        Cli lint = Cli.run("db", "lint", "--dir", schema.toString(), "--large-table-rows", "1",
                "--database-url", db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password(),
                "--url", server.url(), "--api-key", admin.substring("Bearer ".length()));

        assertThat(usage.body()).contains("{\"table\":\"public.users\",\"column\":\"plan\",\"statements\":1}")
                .contains("{\"table\":\"public.users\",\"column\":\"id\",\"statements\":1}");
        assertThat(lint.exitCode()).isZero();
        assertThat(lint.out()).contains("column-in-use  API queries used public.users.plan recently (1 of the last");
    }
}

package flux.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.CapturingServer;
import flux.app.Cli;
import flux.app.TestKeys;
import flux.app.TestServer;
import flux.app.records.RecordsContext;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.Role;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console over HTTP and the CLI, against a server in keys mode with capture running: a write
 * made in the console shows in the row's history as the console's, under the run's request id.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlConsoleApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;
    private final CapturingServer capturing;
    private final TestServer server;
    private final String writer;
    private final String reader;

    SqlConsoleApiIT(TestPostgres pg, TestKafka kafka) throws Exception {
        db = pg.newDatabase("console_api");
        DataSource ds = db.dataSource();
        FluxSchema.install(ds);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
        }
        try (RecordsContext records = RecordsContext.start(ds)) {
            writer = TestKeys.rowTenantKey(records, "sql-acme", Role.READ_WRITE, "console-writer");
            reader = TestKeys.rowTenantKey(records, "sql-globex", Role.READ_ONLY, "console-reader");
        }
        capturing = CapturingServer.start(db, kafka, "console_api_it", "notes", writer, Map.of());
        server = capturing.server();
    }

    @AfterAll
    void stop() {
        capturing.close();
    }

    private HttpResponse<String> sql(String key, String text) throws Exception {
        return server.post("/v1/sql", JSON.createObjectNode().put("sql", text).toString(), "Authorization",
                "Bearer " + key);
    }

    @Test
    void aConsoleWriteShowsInTheRowsHistoryAsTheConsolesUnderTheRunsRequestId() throws Exception {
        HttpResponse<String> r = sql(writer, "INSERT INTO notes (id, tenant_id, body) VALUES (1, 'sql-acme', 'hi')");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String requestId = JSON.readTree(r.body()).path("request_id").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> history = server.get("/v1/state/notes/1/history", "Authorization", "Bearer " + writer);
            assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
            JsonNode entry = JSON.readTree(history.body()).path("entries").path(0);
            assertThat(entry.path("source").asText()).isEqualTo("console");
            assertThat(entry.path("request_id").asText()).isEqualTo(requestId);
            assertThat(entry.path("new").path("body").asText()).isEqualTo("hi");
        });
    }

    @Test
    void aReadOnlyKeysWriteIsASqlErrorAndItsReadSeesOnlyItsTenant() throws Exception {
        HttpResponse<String> write = sql(reader, "INSERT INTO notes VALUES (2, 'sql-globex', 'x')");
        assertThat(write.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(write.body());
        assertThat(problem.path("type").asText()).endsWith("/sql-error");
        assertThat(problem.path("detail").asText()).matches("(25006|42501).*");
        HttpResponse<String> read = sql(reader, "SELECT count(*) AS n FROM notes WHERE tenant_id = 'sql-acme'");
        assertThat(JSON.readTree(read.body()).path("statements").path(0).path("rows").path(0).path(0).asText())
                .isEqualTo("0");
    }

    @Test
    void transactionControlIsRefusedAsAProblem() throws Exception {
        HttpResponse<String> r = sql(writer, "BEGIN; SELECT 1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("type").asText()).endsWith("/sql-refused");
    }

    @Test
    void theCliRunsStatementsAndListsThemInTheAudit() {
        Cli run = Cli.run("sql", "--url", server.url(), "--api-key", writer, "-c", "SELECT 40 + 2 AS answer");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("answer", "42", "(1 row)");
        Cli failed = Cli.run("sql", "--url", server.url(), "--api-key", writer, "-c", "SELECT * FROM nowhere");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err().strip()).startsWith("flux: 42P01").doesNotContain("\n");
        Cli audit = Cli.run("sql", "audit", "--url", server.url(), "--api-key", writer);
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("SELECT 40 + 2 AS answer", "committed", "SELECT * FROM nowhere",
                "rolled_back", "tenant sql-acme");
        Cli other = Cli.run("sql", "audit", "--url", server.url(), "--api-key", reader);
        assertThat(other.out()).doesNotContain("SELECT 40 + 2");
    }
}

package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Query observability ({@code /v1/observe/*}) and the metrics ({@code /prometheus}) are the whole
 * server's: every tenant's SQL, tables and request ids. A tenant's key is refused them (403
 * problem+json), whatever its role; a caller without a tenant reads them. Here after another
 * tenant's queries, so there is something to leak.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveTenancyIT {
    private static final List<String> WHOLE_SERVER = List.of("/v1/observe/traces", "/v1/observe/traces?limit=5",
            "/v1/observe/slow", "/v1/observe/nplus1", "/v1/observe/indexes", "/prometheus");

    private final TestServer server;
    private final String acmeAdmin;

    ObserveTenancyIT(TestPostgres pg, TestKafka kafka, @TempDir Path home) throws Exception {
        TestPostgres db = pg.newDatabase("observe_tenancy");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE globex_secrets (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
        }
        Cli created = Cli.against(db, home, "keys", "create", "--tenant", "ot-acme", "--role", "admin");
        assertThat(created.exitCode()).as(created.err()).isZero();
        acmeAdmin = created.out().strip();
        Cli globex = Cli.against(db, home, "keys", "create", "--tenant", "ot-globex", "--role", "read-write");
        assertThat(globex.exitCode()).as(globex.err()).isZero();
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "open", "flux.auth.cache-ttl-ms", 0));
        HttpResponse<String> theirs = server.post("/v1/query",
                "{\"table\":\"globex_secrets\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}",
                "Authorization", "Bearer " + globex.out().strip());
        assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aTenantsKeyIsRefusedEveryWholeServerFigureWhateverItsRole() throws Exception {
        for (String path : WHOLE_SERVER) {
            HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + acmeAdmin);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(r.body()).as(path).contains("\"type\":\"https://flux.dev/problems/forbidden\"")
                    .contains("tenant ot-acme's key may not read them").doesNotContain("globex_secrets");
        }
    }

    @Test
    void aCallerWithoutATenantReadsThem() throws Exception {
        for (String path : WHOLE_SERVER) {
            assertThat(server.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(server.get("/v1/observe/traces").body()).contains("globex_secrets");
    }
}

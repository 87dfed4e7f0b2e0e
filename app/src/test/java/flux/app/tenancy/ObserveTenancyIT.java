package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.Cli;
import flux.app.TestServer;
import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.Role;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Query observability ({@code /v1/observe/*}) per tenant: a tenant's key that is not admin sees
 * only what its own requests ran (their statements, tables, request ids, N+1 patterns, filter
 * counts); an admin key and a caller without a tenant see every tenant's. The metrics
 * ({@code /prometheus}) cannot be narrowed and stay an operator's: a non-admin key gets 403.
 * Every statement is slow here, every repeated select an N+1 and every filtered column a
 * candidate, so each view has something of both tenants to show or hide.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveTenancyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OBSERVATIONS = List.of("/v1/observe/traces", "/v1/observe/slow",
            "/v1/observe/nplus1", "/v1/observe/indexes");

    private final TestServer server;
    private final String acmeAdmin;
    private final String acmeWriter;
    private final String globexRequest;
    private final String acmeRequest;

    ObserveTenancyIT(TestPostgres pg, TestKafka kafka) throws Exception {
        TestPostgres db = pg.newDatabase("observe_tenancy");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE globex_secrets (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            st.execute("CREATE TABLE acme_notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
        }
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "open", "flux.auth.cache-ttl-ms", 0,
                "flux.observe.slow-threshold-ms", 0, "flux.observe.nplus1.threshold", 2,
                "flux.observe.index.min-filters", 1, "flux.observe.index.min-rows", 0));
        KeyAdministration keys = server.context().getBean(KeyAdministration.class);
        acmeAdmin = keys.create(AuditLog.CLI, "ot-acme", Role.ADMIN, null).token();
        acmeWriter = keys.create(AuditLog.CLI, "ot-acme", Role.READ_WRITE, null).token();
        String globex = keys.create(AuditLog.CLI, "ot-globex", Role.READ_WRITE, null).token();
        globexRequest = twoSelects("globex_secrets", globex);
        acmeRequest = twoSelects("acme_notes", acmeWriter);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(server.get("/v1/observe/nplus1").body()).contains(globexRequest, acmeRequest);
            assertThat(server.get("/v1/observe/slow").body()).contains("globex_secrets", "acme_notes");
        });
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** One request of two selects by different ids (an N+1 at threshold 2); its request id. */
    private String twoSelects(String table, String key) throws Exception {
        String select = "{\"table\":\"" + table + "\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":%d}]}";
        HttpResponse<String> r = server.post("/v1/transaction",
                "{\"queries\":[" + select.formatted(1) + "," + select.formatted(2) + "]}", "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("request_id").asText();
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return key == null ? server.get(path) : server.get(path, "Authorization", "Bearer " + key);
    }

    @Test
    void aTenantsKeySeesOnlyWhatItsOwnRequestsRan() throws Exception {
        for (String path : OBSERVATIONS) {
            HttpResponse<String> r = get(path, acmeWriter);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).contains("acme_notes").doesNotContain("globex_secrets", globexRequest, "ot-globex");
        }
        JsonNode slow = JSON.readTree(get("/v1/observe/slow", acmeWriter).body());
        assertThat(slow.path("queries")).isNotEmpty().allSatisfy(q -> assertThat(q.path("tenant_id").asText()).isEqualTo("ot-acme"));
        assertThat(slow.path("total").asLong()).as("its own slow statements only").isEqualTo(2);
        assertThat(JSON.readTree(get("/v1/observe/traces?request_id=" + globexRequest, acmeWriter).body()).path("spans"))
                .as("another tenant's request is as unknown as one that never ran").isEmpty();
        assertThat(JSON.readTree(get("/v1/observe/nplus1", acmeWriter).body()).path("findings"))
                .singleElement().satisfies(f -> assertThat(f.path("request_id").asText()).isEqualTo(acmeRequest));
    }

    @Test
    void anAdminKeyAndACallerWithoutATenantSeeEveryTenant() throws Exception {
        for (String key : new String[] {acmeAdmin, null}) {
            for (String path : OBSERVATIONS) {
                HttpResponse<String> r = get(path, key);
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).as(path).contains("acme_notes", "globex_secrets");
            }
            assertThat(get("/v1/observe/nplus1", key).body()).contains("\"tenant_id\":\"ot-globex\"", globexRequest);
        }
    }

    @Test
    void theMetricsAreAnOperatorsOnly() throws Exception {
        HttpResponse<String> refused = get("/prometheus", acmeWriter);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"type\":\"https://flux.dev/problems/forbidden\"")
                .contains("tenant ot-acme's read-write key may not read them").doesNotContain("globex_secrets");
        assertThat(get("/prometheus", acmeAdmin).statusCode()).isEqualTo(200);
        assertThat(get("/prometheus", null).statusCode()).isEqualTo(200);
    }

    @Test
    void fluxObserveWithATenantsKeyPrintsThatTenantsView() {
        for (String verb : new String[] {"traces", "slow", "nplus1"}) {
            Cli run = Cli.run("observe", verb, "--url", server.url(), "--api-key", acmeWriter);
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).as(verb).contains("acme_notes", "tenant ot-acme").doesNotContain("globex");
        }
        Cli all = Cli.run("observe", "nplus1", "--url", server.url(), "--api-key", acmeAdmin);
        assertThat(all.out()).contains("tenant ot-acme", "tenant ot-globex");
    }
}

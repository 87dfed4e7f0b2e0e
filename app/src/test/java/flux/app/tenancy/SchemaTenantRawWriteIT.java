package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.Cli;
import flux.app.TestServer;
import flux.capture.TopicReader;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw SQL write into a schema tenant's table shows in that tenant's history, through capture: made
 * here through the tenant's own login, as its code would, so it also carries the tenant on Kafka.
 * The same server answers the tenant lifecycle's admin API.
 */
@ExtendWith(FluxTestInfra.class)
class SchemaTenantRawWriteIT {
    private static final String SLOT = "schema_tenant_raw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;
    private final TestKafka kafka;

    @TempDir
    Path home;

    SchemaTenantRawWriteIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("schema_tenant_raw");
        this.kafka = kafka;
    }

    private Cli cli(String... args) throws Exception {
        return Cli.against(db, home, args);
    }

    private String key(String tenant) throws Exception {
        assertThat(cli("tenants", "create", tenant, "--mode", "schema").exitCode()).isZero();
        return "Bearer " + cli("keys", "create", "--tenant", tenant, "--role", "read-write").out().strip();
    }

    @Test
    void aRawUpdateIsInTheOwningTenantsHistoryAndNoOneElses() throws Exception {
        Cli login = cli("tenants", "create", "raw-umbrella", "--mode", "schema", "--login", "--json");
        assertThat(login.exitCode()).as(login.err()).isZero();
        String connectionString = JSON.readTree(login.out()).get("connection_string").asText();
        String umbrella = key("raw-umbrella");
        String wayne = key("raw-wayne");
        String admin = "Bearer " + cli("keys", "create", "--tenant", "raw-ops", "--role", "admin").out().strip();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t_raw_umbrella_api.items (id int PRIMARY KEY, name text)");
            st.execute("CREATE TABLE t_raw_wayne_api.items (id int PRIMARY KEY, name text)");
        }
        try (TestServer server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys",
                "flux.capture.enabled", true, "flux.capture.slot", SLOT, "flux.capture.publication", SLOT,
                "flux.tenancy.quota-interval", "0s"))) {
            HttpResponse<String> insert = server.post("/v1/query",
                    "{\"table\":\"items\",\"operation\":\"insert\",\"data\":{\"id\":1,\"name\":\"api\"}}",
                    "Authorization", umbrella);
            assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> server.get("/v1/capture/status",
                    "Authorization", umbrella).body().contains("\"STREAMING\""));
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.t_raw_umbrella_api.items")) {
                try (Connection c = TenantConnections.open(connectionString); Statement st = c.createStatement()) {
                    st.execute("UPDATE items SET name = 'raw sql' WHERE id = 1"); // its search_path: its schema
                }
                await("the raw update on Kafka").atMost(Duration.ofSeconds(60)).until(() -> reader.poll().stream()
                        .anyMatch(m -> m.value().toString().contains("raw sql")));
                assertThat(reader.messages()).filteredOn(m -> m.value().toString().contains("raw sql"))
                        .extracting(TopicReader.Message::tenantIdHeader).containsOnly("raw-umbrella");
            }

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    server.get("/v1/state/items/1/history", "Authorization", umbrella).body().contains("\"wal\""));
            String history = server.get("/v1/state/items/1/history", "Authorization", umbrella).body();
            assertThat(history).contains("\"source\":\"wal\"").contains("raw sql")
                    .contains("\"tenant_id\":\"raw-umbrella\"");
            HttpResponse<String> other = server.get("/v1/state/items/1/history", "Authorization", wayne);
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.body()).doesNotContain("raw sql");

            // The lifecycle's admin API: admin keys only; a tenant's delete revokes its keys on this server at once.
            HttpResponse<String> rotated = server.post("/v1/admin/tenants/raw-umbrella/credentials",
                    "{\"rotate\": true, \"connection_limit\": 3}", "Authorization", admin);
            assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
            assertThat(JSON.readTree(rotated.body()).get("connection_limit").asInt()).isEqualTo(3);
            TenantConnections.open(JSON.readTree(rotated.body()).get("connection_string").asText()).close();
            assertThat(server.post("/v1/admin/tenants/raw-umbrella/credentials", "{}", "Authorization", umbrella)
                    .statusCode()).isEqualTo(403);
            HttpResponse<String> unknown = server.post("/v1/admin/tenants/nobody/credentials", "{}", "Authorization", admin);
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("no tenant nobody");
            assertThat(server.get("/v1/admin/tenants/extensions", "Authorization", admin).body()).contains("\"pgcrypto\"");
            HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.url() + "/v1/admin/tenants/raw-wayne?keep_days=1")).header("Authorization", admin)
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(server.get("/v1/state/items/1/history", "Authorization", wayne).statusCode()).isEqualTo(401);
            JsonNode listed = JSON.readTree(cli("tenants", "list", "--json").out());
            assertThat(listed.findValues("id").toString()).contains("raw-wayne");
            for (JsonNode t : listed) {
                assertThat(t.get("deleted_at").isNull()).as(t.toString()).isEqualTo(!t.get("id").asText().equals("raw-wayne"));
            }
            assertThat(server.post("/v1/admin/tenants/raw-wayne/undelete", "", "Authorization", admin).statusCode())
                    .isEqualTo(200);
        } finally {
            dropSlot();
        }
    }

    private void dropSlot() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + SLOT + "'");
                return true;
            }
        });
    }
}

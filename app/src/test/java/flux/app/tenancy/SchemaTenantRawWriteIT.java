package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.app.Cli;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A raw SQL write into a schema tenant's table shows in that tenant's history, through capture. */
@ExtendWith(FluxTestInfra.class)
class SchemaTenantRawWriteIT {
    private static final String SLOT = "schema_tenant_raw";
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
        String umbrella = key("raw-umbrella");
        String wayne = key("raw-wayne");
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
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("UPDATE t_raw_umbrella_api.items SET name = 'raw sql' WHERE id = 1");
            }

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    server.get("/v1/state/items/1/history", "Authorization", umbrella).body().contains("\"wal\""));
            String history = server.get("/v1/state/items/1/history", "Authorization", umbrella).body();
            assertThat(history).contains("\"source\":\"wal\"").contains("raw sql")
                    .contains("\"tenant_id\":\"raw-umbrella\"");
            HttpResponse<String> other = server.get("/v1/state/items/1/history", "Authorization", wayne);
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.body()).doesNotContain("raw sql");
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

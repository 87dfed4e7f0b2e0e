package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class CaptureStatusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;
    private final TestKafka kafka;

    CaptureStatusIT(TestPostgres pg, TestKafka kafka) throws Exception {
        this.db = pg.newDatabase("capture_status");
        this.kafka = kafka;
        DataSource ds = db.dataSource();
        FluxSchema.install(ds);
    }

    @Test
    void serverStartsCaptureAndReportsItsFigures() throws Exception {
        try (ApplicationContext context = start(true, "status_it");
             Connection c = db.connect(); Statement st = c.createStatement()) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> "STREAMING".equals(get(server).body().path("state").asText()));
            st.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            st.execute("NOTIFY flux_schema_changed");
            // A row written before the table joins the publication is not captured (docs/capture.md):
            // wait for capture to add it, then write the one row this test counts.
            await().atMost(Duration.ofSeconds(30)).until(() -> inPublication(c, "status_it", "items"));
            st.execute("INSERT INTO items VALUES (1, 'x')");
            await().atMost(Duration.ofSeconds(30)).until(() -> get(server).body().path("events_published").asLong() >= 1);
            JsonNode status = get(server).body();
            assertThat(status.path("slot").asText()).isEqualTo("status_it");
            assertThat(status.path("cross_check").path("untracked").asLong()).isEqualTo(1);
            assertThat(status.path("last_lsn").asText()).contains("/");
            // Slot lag is sampled periodically: unknown (NaN) until the first sample.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.getPort() + "/prometheus")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).containsPattern("flux_capture_crosscheck_total\\{[^}]*result=\"untracked\"[^}]*\\} 1.0")
                        .containsPattern("flux_capture_streaming\\{[^}]*\\} 1.0")
                        .containsPattern("flux_capture_slot_lag_bytes\\{[^}]*\\} [0-9]")
                        .containsPattern("flux_capture_events_published_total\\{[^}]*kind=\"change\"[^}]*\\} [1-9]");
            });
        } finally {
            dropSlot("status_it");
        }
    }

    @Test
    void disabledCaptureAnswersProblemJson() throws Exception {
        try (ApplicationContext context = start(false, "status_off")) {
            Response r = get(context.getBean(EmbeddedServer.class));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body().path("type").asText()).endsWith("/capture-disabled");
        }
    }

    private ApplicationContext start(boolean enabled, String slot) throws Exception {
        return TestServer.start(db, kafka, Map.of("flux.capture.enabled", enabled, "flux.capture.slot", slot,
                "flux.capture.publication", slot)).context();
    }

    record Response(int status, String contentType, JsonNode body) {
    }

    private static Response get(EmbeddedServer server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.getURL() + "/v1/capture/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("content-type").orElse(""), JSON.readTree(r.body()));
    }

    private void dropSlot(String slot) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                return true;
            }
        });
    }

    private static boolean inPublication(Connection c, String publication, String table) throws Exception {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND tablename = ?")) {
            ps.setString(1, publication);
            ps.setString(2, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

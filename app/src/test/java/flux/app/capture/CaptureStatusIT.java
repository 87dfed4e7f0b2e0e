package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.capture.CaptureConfig;
import flux.capture.CapturePipeline;
import flux.capture.CaptureState;
import flux.capture.TopicReader;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.Role;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

            // Snapshots through the admin API (open mode: every caller is admin).
            Response refused = send(server, "POST", "/v1/capture/snapshots",
                    "{\"table\": \"items\", \"where\": \"true; DROP TABLE items\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().path("type").asText()).endsWith("/snapshot-refused");
            assertThat(send(server, "POST", "/v1/capture/snapshots", "{\"table\": \"items\", \"where\": \"nme = 'x'\"}")
                    .body().path("detail").asText()).contains("nme");
            assertThat(send(server, "POST", "/v1/capture/snapshots", "{\"table\": \"no_such\"}").status()).isEqualTo(400);
            st.execute("INSERT INTO items VALUES (2, 'y')");
            Response asked = send(server, "POST", "/v1/capture/snapshots", "{\"table\": \"items\", \"where\": \"name = 'y'\"}");
            assertThat(asked.status()).isEqualTo(202);
            assertThat(asked.body().path("rows_estimated").asLong()).isEqualTo(1);
            String id = asked.body().path("id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> send(server, "GET", "/v1/capture/snapshots/" + id, null)
                    .body().path("status").asText().equals("done"));
            JsonNode done = send(server, "GET", "/v1/capture/snapshots", null).body().get(0);
            assertThat(done.path("rows_done").asLong()).isEqualTo(1);
            assertThat(done.path("progress").asDouble()).isEqualTo(1.0);
            assertThat(done.path("last_key").toString()).isEqualTo("{\"id\":2}");
            assertThat(send(server, "DELETE", "/v1/capture/snapshots/" + id, null).body().path("status").asText())
                    .as("an ended snapshot stays as it ended").isEqualTo("done");
            assertThat(send(server, "DELETE", "/v1/capture/snapshots/nope", null).status()).isEqualTo(404);
        } finally {
            dropSlot("status_it");
        }
    }

    /**
     * The first start on a slot that does not exist yet: a write acknowledged as soon as the start
     * returns is on Kafka. (Before the server prepared capture ahead of HTTP, the slot and the
     * publication came a moment after "flux is up", and such writes never reached Kafka.) A new slot
     * waits for the transactions open when it is created: one held open here stretches that moment,
     * and is let go once the slot's creation waits for it or the start returned, whichever is first.
     */
    @Test
    void aWriteRightAfterTheFirstStartReachesKafka() throws Exception {
        String slot = "status_first";
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE first_writes (id int PRIMARY KEY, note text)");
        }
        CompletableFuture<TestServer> starting = new CompletableFuture<>();
        try (Connection pin = db.connect(); Statement pinning = pin.createStatement();
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public.first_writes")) {
            pin.setAutoCommit(false);
            pinning.execute("SELECT pg_current_xact_id()"); // open, with a transaction id
            Thread starter = new Thread(() -> {
                try {
                    starting.complete(TestServer.start(db, kafka, Map.of("flux.capture.enabled", true,
                            "flux.capture.slot", slot, "flux.capture.publication", slot)));
                } catch (Exception | Error e) {
                    starting.completeExceptionally(e);
                }
            }, "first-start");
            starter.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> starting.isDone() || slotCreationWaits());
            if (!starting.isDone()) {
                pin.commit(); // the start waits for the slot, which waits for this transaction
            }
            try (TestServer server = starting.get(60, TimeUnit.SECONDS)) {
                HttpResponse<String> write = server.post("/v1/query", "{\"table\":\"first_writes\",\"operation\":"
                        + "\"insert\",\"data\":{\"id\":1,\"note\":\"at once\"}}", "X-Request-Id", "first-write");
                assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
                pin.commit();
                await().atMost(Duration.ofSeconds(30)).until(() -> reader.poll().stream()
                        .anyMatch(m -> "first-write".equals(m.requestIdHeader())));
            }
        } finally {
            dropSlot(slot);
        }
    }

    /** Capture's connection that creates the slot is there (creating it waits for open transactions). */
    private boolean slotCreationWaits() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'flux-capture-slot'")) {
            rs.next();
            return rs.getInt(1) > 0;
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

    /**
     * A slot dropped while its offsets are stored is a permanent failure: capture reports it where an
     * operator looks (status, health, metrics) instead of retrying. {@code /health} names the reason
     * to the operator only (here open mode without credentials, and an admin key); another key reads
     * that capture failed, not why.
     */
    @Test
    void aPermanentFailureShowsItsReasonInStatusAndTakesHealthDown() throws Exception {
        String slot = "status_failed";
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE failing (id int PRIMARY KEY)");
            CapturePipeline first = new CapturePipeline(new CaptureConfig(db.host(), db.port(), db.database(),
                    db.user(), db.password(), slot, slot, kafka.bootstrapServers(), Duration.ofSeconds(1)));
            try (first) {
                first.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> first.state() == CaptureState.STREAMING);
                st.execute("INSERT INTO failing VALUES (1)");
                await().atMost(Duration.ofSeconds(30)).until(() -> offsetsStored(c, slot));
            }
            dropSlot(slot);
            try (TestServer server = TestServer.start(db, kafka, Map.of("flux.capture.enabled", true,
                    "flux.capture.slot", slot, "flux.capture.publication", slot))) {
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        "FAILED".equals(get(server.context().getBean(EmbeddedServer.class)).body().path("state").asText()));
                JsonNode status = get(server.context().getBean(EmbeddedServer.class)).body();
                String reason = status.path("failure").path("reason").asText();
                assertThat(reason).startsWith("replication slot " + slot + " does not exist")
                        .endsWith("DELETE FROM flux.capture_offsets WHERE slot_name = '" + slot + "'");
                assertThat(status.path("failure").path("at").asText()).isNotEmpty();

                java.net.http.HttpResponse<String> health = server.get("/health");
                assertThat(health.statusCode()).isEqualTo(503);
                JsonNode capture = JSON.readTree(health.body()).path("components").path("capture");
                assertThat(capture.path("status").asText()).isEqualTo("DOWN");
                assertThat(capture.path("state").asText()).isEqualTo("FAILED");
                assertThat(capture.path("error").asText()).isEqualTo(reason);
                KeyAdministration keys = server.context().getBean(KeyAdministration.class);
                assertThat(healthError(server, keys.create(AuditLog.CLI, "cs-acme", Role.ADMIN, null).token()))
                        .isEqualTo(reason);
                assertThat(healthError(server, keys.create(AuditLog.CLI, "cs-acme", Role.READ_WRITE, null).token()))
                        .isEqualTo(CaptureHealth.GENERIC_FAILURE);
                assertThat(server.get("/prometheus").body()).containsPattern("flux_capture_failed\\{[^}]*\\} 1.0");
            }
        } finally {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM flux.capture_offsets WHERE slot_name = '" + slot + "'");
            }
        }
    }

    /** Capture's {@code error} in /health as the holder of {@code key} reads it (the answer stays 503). */
    private static String healthError(TestServer server, String key) throws Exception {
        HttpResponse<String> health = server.get("/health", "Authorization", "Bearer " + key);
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode capture = JSON.readTree(health.body()).path("components").path("capture");
        assertThat(capture.path("state").asText()).isEqualTo("FAILED");
        return capture.path("error").asText();
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

    private static Response send(EmbeddedServer server, String method, String path, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
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

    private static boolean offsetsStored(Connection c, String slot) throws Exception {
        return exists(c, "SELECT 1 FROM flux.capture_offsets WHERE slot_name = ?", slot);
    }

    private static boolean inPublication(Connection c, String publication, String table) throws Exception {
        return exists(c, "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND tablename = ?", publication, table);
    }

    private static boolean exists(Connection c, String sql, String... params) throws Exception {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

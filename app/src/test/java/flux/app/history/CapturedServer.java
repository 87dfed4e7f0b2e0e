package flux.app.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.capture.CaptureConfig;
import flux.capture.CapturePipeline;
import flux.capture.CaptureState;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * The product as a user meets it: a Flux server (HTTP API, history) on a fresh database, a capture
 * pipeline of its own on that database (so a test can stop and start it), raw SQL beside the API,
 * and a way to wait until capture has caught up with everything committed so far: a marker row
 * written with raw SQL, whose record appears in the log only after every earlier transaction's
 * (capture works in commit order).
 */
final class CapturedServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SLOTS = new AtomicInteger();
    private static final String MARKER = "CREATE TABLE capture_marker (id int PRIMARY KEY, n bigint NOT NULL)";
    private final TestPostgres db;
    private final TestServer server;
    private final CaptureConfig capture;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String kafka;
    private CapturePipeline pipeline;

    /** A server over a new database with {@code ddl} applied before capture starts (tables join its publication). */
    CapturedServer(TestPostgres pg, TestKafka kafka, String name, String... ddl) throws Exception {
        db = pg.newDatabase(name);
        this.kafka = kafka.bootstrapServers();
        server = TestServer.start(db, kafka, Map.of("flux.database.pool-size", 24));
        try {
            sql(MARKER);
            for (String statement : ddl) {
                sql(statement);
            }
            String slot = name.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid() + "_"
                    + SLOTS.incrementAndGet();
            capture = new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(), slot, slot,
                    kafka.bootstrapServers(), Duration.ofSeconds(2));
            startCapture();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    void startCapture() {
        pipeline = new CapturePipeline(capture);
        pipeline.start();
        Awaitility.await("capture streaming").atMost(Duration.ofSeconds(120))
                .until(() -> pipeline.state() == CaptureState.STREAMING);
    }

    void stopCapture() {
        pipeline.close();
        pipeline = null;
    }

    CapturePipeline capture() {
        return pipeline;
    }

    /**
     * Returns once capture has recorded every transaction committed before the call: it writes the
     * marker with raw SQL and waits for capture's record of it.
     */
    void awaitCaptured() throws SQLException {
        String txid;
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("INSERT INTO capture_marker VALUES (1, 1) ON CONFLICT (id) DO UPDATE"
                     + " SET n = capture_marker.n + 1 RETURNING pg_current_xact_id()::text")) {
            rs.next();
            txid = rs.getString(1);
        }
        Awaitility.await("capture records transaction " + txid).atMost(Duration.ofSeconds(300))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !rows("SELECT 1 FROM flux.state_mutations WHERE txid = '" + txid + "'::xid8"
                        + " AND source = 'wal'").isEmpty());
    }

    Connection connect() throws SQLException {
        return db.connect();
    }

    void sql(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of each row. */
    java.util.List<String> rows(String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                java.util.List<String> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            }
        }
    }

    /** {@code POST path} with a JSON body and request id; the status and the parsed body. */
    Answer post(String path, String body, String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    Answer get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
                .GET().build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Answer answer(HttpResponse<String> response) throws Exception {
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    /** An HTTP answer: status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    /** The values of the messages on a table's topic, read from its beginning until there are {@code count}. */
    java.util.List<JsonNode> messages(String table, int count) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", kafka);
        p.put("group.id", "history-" + java.util.UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        java.util.List<JsonNode> values = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
            consumer.subscribe(java.util.List.of("flux.public." + table));
            Awaitility.await("messages on flux.public." + table).atMost(Duration.ofSeconds(60)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(JSON.readTree(r.value()));
                }
                return values.size() >= count;
            });
        }
        return values;
    }

    @Override
    public void close() {
        try {
            if (pipeline != null) {
                pipeline.close();
            }
            // a replication slot outlives its pipeline and holds WAL: dropped once its walsender is gone
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> rows("SELECT pg_drop_replication_slot(slot_name)::text FROM pg_replication_slots"
                            + " WHERE slot_name = ?", capture.slotName()) != null);
        } finally {
            server.close();
        }
    }
}

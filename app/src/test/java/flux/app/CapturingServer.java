package flux.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link TestServer} in keys mode with capture streaming on a slot of its own, and {@code table}
 * in its publication; closing it stops the server and drops the slot.
 */
public final class CapturingServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;
    private final String slot;
    private final TestServer server;

    private CapturingServer(TestPostgres db, String slot, TestServer server) {
        this.db = db;
        this.slot = slot;
        this.server = server;
    }

    /** Starts, then waits until capture streams and {@code table} is published; {@code key} reads the status. */
    public static CapturingServer start(TestPostgres db, TestKafka kafka, String slot, String table, String key,
                                        Map<String, Object> extra) throws Exception {
        Map<String, Object> p = new HashMap<>(Map.of("flux.auth.mode", "keys", "flux.capture.enabled", true,
                "flux.capture.slot", slot, "flux.capture.publication", slot, "flux.tenancy.cache-ttl-ms", 0));
        p.putAll(extra);
        CapturingServer started = new CapturingServer(db, slot, TestServer.start(db, kafka, p));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> "STREAMING".equals(JSON.readTree(started.server.get(
                    "/v1/capture/status", "Authorization", "Bearer " + key).body()).path("state").asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> started.published(table));
        } catch (Exception | AssertionError e) {
            started.close();
            throw e;
        }
        return started;
    }

    public TestServer server() {
        return server;
    }

    private boolean published(String table) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND tablename = ?")) {
            ps.setString(1, slot);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void close() {
        server.close();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                return true;
            }
        });
    }
}

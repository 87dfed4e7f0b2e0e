package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offsets are committed without waiting for their WAL flush (PostgresOffsetStore), so a crash of
 * PostgreSQL can lose the last offset rows while the slot kept its confirmed position: the stored
 * offset is then behind the slot. Here that state is made directly (an older offset row written
 * back while capture is stopped), and capture must resume with nothing missing.
 */
@ExtendWith(FluxTestInfra.class)
class OffsetBehindSlotIT {
    private static final Logger log = LoggerFactory.getLogger(OffsetBehindSlotIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;
    private final TestKafka kafka;

    OffsetBehindSlotIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_offset_behind");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void changesAfterTheSlotsPositionArriveWhenTheStoredOffsetIsBehindIt() throws Exception {
        String slot = unique("behind");
        String table = unique("accounts");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        EngineWrites w = EngineWrites.on(db);
        w.createTable(table);
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config);
        try (w; TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
            insert(w, table, 1, 20);
            await().atMost(WAIT).until(() -> reader.poll().size() >= 20 && storedOffset(slot) != null);
            byte[] older = storedOffset(slot);
            long olderLsn = lsn(older);

            insert(w, table, 21, 40);
            // the offset and then the slot move past the older offset (flushed once a second)
            await().atMost(WAIT).until(() -> reader.poll().size() >= 40 && lsn(storedOffset(slot)) > olderLsn
                    && confirmedFlushLsn(slot) > olderLsn);
            pipeline.close();

            writeOffset(slot, older); // as if the newer offset commits had been lost
            assertThat(confirmedFlushLsn(slot)).isGreaterThan(lsn(storedOffset(slot)));
            insert(w, table, 41, 60); // while capture is stopped

            pipeline = CaptureFixtures.startStreaming(config);
            Map<Long, Integer> seen = new HashMap<>();
            await().atMost(WAIT).until(() -> {
                reader.poll().forEach(m -> seen.merge(m.key().get("id").asLong(), 1, Integer::sum));
                reader.messages().clear();
                return seen.keySet().containsAll(LongStream.rangeClosed(1, 60).boxed().toList());
            });
            log.info("offset behind slot: duplicates {}", seen.values().stream().mapToInt(n -> n - 1).sum());
            assertThat(pipeline.state()).isEqualTo(CaptureState.STREAMING);
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    private static void insert(EngineWrites w, String table, long from, long to) {
        for (long id = from; id <= to; id++) {
            w.insert("req-" + id, table, id, "owner" + id, "1.00");
        }
    }

    private byte[] storedOffset(String slot) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement("SELECT value FROM flux.capture_offsets WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    private void writeOffset(String slot, byte[] value) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement("UPDATE flux.capture_offsets SET value = ? WHERE slot_name = ?")) {
            st.setBytes(1, value);
            st.setString(2, slot);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
    }

    private long confirmedFlushLsn(String slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The change position in Debezium's stored offset value (JSON: {"lsn": ..., "lsn_commit": ..., ...}). */
    private static long lsn(byte[] offset) throws IOException {
        return offset == null ? -1 : JSON.readTree(offset).get("lsn").asLong();
    }
}

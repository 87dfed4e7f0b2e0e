package flux.capture.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.log.WalRecords;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where streaming resumes, in the mutation log's terms: the highest record id streamed before the
 * stored offset, which capture keeps in the offset itself (under {@code key}, see
 * {@code ChangeStreamHandler}), so the first raw SQL change after a restart is placed exactly
 * where the running capture would have placed it.
 *
 * <p>Before the slot has a stored offset, streaming resumes where the slot was created, so the id
 * that applies is the highest one in the log when it was: the first start reads it and keeps it in
 * {@code flux.capture_slot_starts} (capture-schema.sql), and a restart before the first offset was
 * stored (capture stopped within its first second, or before Kafka acknowledged anything) reads it
 * back instead of taking the highest id at that time, which would place the replayed raw changes
 * after API writes that committed while capture was down. A slot that does not exist (yet, or any
 * more) is created at the current position: its row is then written anew.
 *
 * <p>Offsets stored by a capture that did not keep the id get the highest id in the log now, too
 * high for changes replayed from before it: raw changes that committed while such a capture was
 * down sort after API writes that committed after them, as they did before commit order; logged
 * once at start.
 */
public final class ResumePosition {
    private static final Logger log = LoggerFactory.getLogger(ResumePosition.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT_EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)";
    private static final String AT_SLOT_START = "SELECT streamed_up_to FROM flux.capture_slot_starts WHERE slot_name = ?";
    private static final String RECORD_SLOT_START = """
            INSERT INTO flux.capture_slot_starts (slot_name, streamed_up_to) VALUES (?, ?)
            ON CONFLICT (slot_name) DO UPDATE SET streamed_up_to = excluded.streamed_up_to, recorded_at = clock_timestamp()""";

    private ResumePosition() {
    }

    /**
     * The highest record id streamed before where slot {@code slot} resumes; {@code key} names it in the
     * offset. Needs capture's schema ({@link CaptureSchema#install}).
     */
    public static long streamedUpTo(Connection c, String slot, String key) throws SQLException {
        boolean stored = false;
        if (tableExists(c)) {
            try (PreparedStatement st = c.prepareStatement(PostgresOffsetStore.LOAD)) {
                st.setString(1, slot);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        stored = true;
                        JsonNode value = parse(rs.getBytes("value"));
                        if (value != null && value.hasNonNull(key)) {
                            return value.get(key).asLong();
                        }
                    }
                }
            }
        }
        long highest = WalRecords.highestRecordId(c);
        if (stored) {
            log.warn("capture {}: its stored offset does not say how far the mutation log was streamed (stored by an"
                    + " older capture); raw SQL changes replayed from it are placed after record {}", slot, highest);
            return highest;
        }
        if (slotExists(c, slot)) {
            try (PreparedStatement st = c.prepareStatement(AT_SLOT_START)) {
                st.setString(1, slot);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement(RECORD_SLOT_START)) {
            st.setString(1, slot);
            st.setLong(2, highest);
            st.executeUpdate();
        }
        return highest;
    }

    private static boolean tableExists(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PostgresOffsetStore.TABLE_EXISTS)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static boolean slotExists(Connection c, String slot) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(SLOT_EXISTS)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null; // not JSON: Debezium's own format, which this reader does not know
        }
    }
}

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
 * <p>Without it, the highest id in the log now stands in: for a slot that never streamed (it
 * starts at its creation, and every record committed before is in the log), and for offsets stored
 * by a capture that did not keep it. The second is too high for changes replayed from before it:
 * raw changes that committed while such a capture was down sort after API writes that committed
 * after them, as they did before commit order; logged once at start.
 */
public final class ResumePosition {
    private static final Logger log = LoggerFactory.getLogger(ResumePosition.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumePosition() {
    }

    /** The highest record id streamed before where slot {@code slot} resumes; {@code key} names it in the offset. */
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
        }
        return highest;
    }

    private static boolean tableExists(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PostgresOffsetStore.TABLE_EXISTS)) {
            rs.next();
            return rs.getBoolean(1);
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

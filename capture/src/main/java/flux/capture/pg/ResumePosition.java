package flux.capture.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.capture.Lsns;
import flux.log.WalRecords;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where streaming resumes, in the mutation log's terms: the highest record id streamed before the
 * stored offset, which capture keeps in the offset itself (under {@code key}, see
 * {@code ChangeStreamHandler}), so the first raw SQL change after a restart is placed exactly
 * where the running capture would have placed it.
 *
 * <p>Before the first offset is stored, streaming starts where the slot starts: the highest id
 * committed before it, which capture recorded when it created the slot ({@link SlotOrigin}).
 * Without either, the highest id in the log now stands in: for a slot someone else created, and for
 * offsets stored by a capture that did not keep it. That is too high for changes replayed from
 * before it: raw changes that committed while such a capture was down sort after API writes that
 * committed after them; logged once at start.
 */
public final class ResumePosition {
    private static final Logger log = LoggerFactory.getLogger(ResumePosition.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Debezium's offset fields, in the order it confirms them to the slot: the end of the last whole transaction,
     * else the last change completely processed, else the last change seen.
     */
    private static final List<String> CONFIRMED_LSN_FIELDS = List.of("lsn_commit", "lsn_proc", "lsn");

    private ResumePosition() {
    }

    /**
     * The highest record id streamed before where slot {@code slot} resumes; {@code key} names it in the
     * offset. Needs capture's schema ({@link CaptureSchema#install}).
     */
    public static long streamedUpTo(Connection c, String slot, String key) throws SQLException {
        List<JsonNode> stored = storedOffsets(c, slot);
        for (JsonNode value : stored) {
            if (value != null && value.hasNonNull(key)) {
                return value.get(key).asLong();
            }
        }
        if (stored.isEmpty()) {
            Optional<Long> origin = SlotOrigin.read(c, slot);
            if (origin.isPresent()) {
                return origin.get();
            }
        }
        long highest = WalRecords.highestRecordId(c);
        if (!stored.isEmpty()) {
            log.warn("capture {}: its stored offset does not say how far the mutation log was streamed (stored by an"
                    + " older capture); raw SQL changes replayed from it are placed after record {}", slot, highest);
        }
        return highest;
    }

    /**
     * When the stored offset is behind the slot's confirmed position, says so, naming both. Offsets commit
     * asynchronously (PostgresOffsetStore), so a crash of PostgreSQL can lose the last ones while the slot kept
     * its position; an offsets row restored from a backup, or a slot advanced by hand, does the same. Streaming
     * resumes at the slot (the engine runs with {@code offset.mismatch.strategy=trust_slot}): what lies between
     * was acknowledged by Kafka before the slot moved. The record id of the older offset is a lower bound of what
     * was streamed, so raw SQL changes of the first transactions after the slot's position may be placed before
     * API records that committed between the two positions.
     */
    public static Optional<String> behindSlot(Connection c, String slot) throws SQLException {
        Long offset = null;
        for (JsonNode value : storedOffsets(c, slot)) {
            for (String field : CONFIRMED_LSN_FIELDS) {
                if (offset == null && value != null && value.hasNonNull(field) && value.get(field).canConvertToLong()) {
                    offset = value.get(field).asLong();
                }
            }
        }
        if (offset == null) {
            return Optional.empty();
        }
        try (PreparedStatement st = c.prepareStatement(PostgresOffsetStore.CONFIRMED_FLUSH)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null || rs.getLong(1) <= offset) {
                    return Optional.empty();
                }
                return Optional.of("the stored offset (" + Lsns.format(offset) + ") is behind replication slot " + slot
                        + "'s confirmed position (" + rs.getString(2) + "): offsets were lost (a crash of PostgreSQL"
                        + " loses the last asynchronous offset commits) or restored from a backup, or the slot was"
                        + " advanced; streaming resumes at the slot, whose changes before it Kafka acknowledged; raw SQL"
                        + " changes of the next transactions may be placed in history before API writes that committed"
                        + " between the two positions");
            }
        }
    }

    /** Debezium's offset values of the slot, parsed; empty when none are stored. */
    private static List<JsonNode> storedOffsets(Connection c, String slot) throws SQLException {
        List<JsonNode> values = new ArrayList<>();
        if (tableExists(c)) {
            try (PreparedStatement st = c.prepareStatement(PostgresOffsetStore.LOAD)) {
                st.setString(1, slot);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        values.add(parse(rs.getBytes("value")));
                    }
                }
            }
        }
        return values;
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

package flux.capture.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Spares Debezium its resume search when the slot confirmed the stored offset already. With a stored
 * "last completely processed" position ({@code lsn_proc}), Debezium's start streams on one replication
 * connection until a message after the offset arrives (a heartbeat, when nothing is written), then
 * opens a second connection and streams again from there; each walsender first re-decodes the WAL
 * from the slot's {@code restart_lsn} (0.3-1.7 s after a fast drain, BENCHMARKS.md). The search only
 * matters when the offset is ahead of the slot (capture stopped between storing an offset and
 * confirming it): PostgreSQL then sends again what the offset covers, and the search skips it. When
 * the slot's {@code confirmed_flush_lsn} is at or past the offset's positions, PostgreSQL sends only
 * transactions that commit after it, which is exactly what the search would let through: handed an
 * offset without {@code lsn_proc}, Debezium streams at once, on one connection. Only the copy handed to
 * Debezium changes; the stored row stays as it is.
 */
final class ResumeSearch {
    static final String PROCESSED_LSN = "lsn_proc";
    private static final String LSN = "lsn";
    private static final String COMMIT_LSN = "lsn_commit";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeSearch() {
    }

    /**
     * The offset value without {@code lsn_proc} when the slot confirmed every position it names (so
     * Debezium skips its search); otherwise, or when it is not Debezium's JSON, the value as it is.
     */
    static byte[] skippedWhenConfirmed(byte[] value, long confirmedLsn) {
        JsonNode tree;
        try {
            tree = JSON.readTree(value);
        } catch (IOException e) {
            return value;
        }
        if (!(tree instanceof ObjectNode offset) || !offset.has(PROCESSED_LSN) || !within(offset, LSN, confirmedLsn, false)
                || !within(offset, COMMIT_LSN, confirmedLsn, true) || !within(offset, PROCESSED_LSN, confirmedLsn, true)) {
            return value;
        }
        ObjectNode copy = offset.deepCopy();
        copy.remove(PROCESSED_LSN);
        try {
            return JSON.writeValueAsBytes(copy);
        } catch (IOException e) {
            return value;
        }
    }

    /** Whether the position {@code field} is at or before {@code confirmedLsn} ({@code absentOk}: or missing). */
    private static boolean within(ObjectNode offset, String field, long confirmedLsn, boolean absentOk) {
        JsonNode lsn = offset.get(field);
        if (lsn == null || lsn.isNull()) {
            return absentOk;
        }
        return lsn.canConvertToLong() && lsn.asLong() <= confirmedLsn;
    }
}

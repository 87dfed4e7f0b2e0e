package flux.capture.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Spares Debezium its resume search where it is needless or wrong. With a stored "last completely
 * processed" position ({@code lsn_proc}), Debezium's start streams on one replication connection
 * until it has seen a message at that position and the one after it, then opens a second connection
 * and streams again, dropping every message until one at the position it found. Each walsender
 * first re-decodes the WAL from the slot's {@code restart_lsn} (0.3-1.7 s after a fast drain,
 * BENCHMARKS.md).
 *
 * <p>Capture stores offsets only at the end of a whole transaction (ChangeStreamHandler), where
 * {@code lsn_proc} is the commit's end, the same as {@code lsn_commit}. That position is also where
 * the next WAL record starts, often the first change of a transaction that commits later. The search
 * matches positions by equality, so it took that change (and its BEGIN) for the last one processed
 * and resumed after it: the transaction arrived without its first change, its mutation record was
 * counted missing and the change never reached Kafka (the false "missing" after a PostgreSQL crash,
 * {@code OffsetBehindSlotIT}). It is not needed either: handed an offset without {@code lsn_proc},
 * Debezium asks PostgreSQL to start at the offset's {@code lsn}, and PostgreSQL skips every
 * transaction that committed before it and sends the others whole, whether the slot is behind the
 * offset or not. So {@code lsn_proc} is left out of an offset at a commit, and of any offset the
 * slot confirmed already. Only the copy handed to Debezium changes; the stored row stays as it is.
 */
final class ResumeSearch {
    static final String PROCESSED_LSN = "lsn_proc";
    private static final String LSN = "lsn";
    private static final String COMMIT_LSN = "lsn_commit";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeSearch() {
    }

    /**
     * The offset value without {@code lsn_proc} when it is at a commit ({@code lsn_proc} equal to
     * {@code lsn_commit}) or the slot confirmed every position it names (so Debezium does not search);
     * otherwise, or when it is not Debezium's JSON, the value as it is.
     */
    static byte[] withoutSearch(byte[] value, long confirmedLsn) {
        JsonNode tree;
        try {
            tree = JSON.readTree(value);
        } catch (IOException e) {
            return value;
        }
        if (!(tree instanceof ObjectNode offset) || !offset.has(PROCESSED_LSN)) {
            return value;
        }
        boolean atCommit = offset.get(PROCESSED_LSN).equals(offset.get(COMMIT_LSN));
        boolean confirmed = within(offset, LSN, confirmedLsn, false) && within(offset, COMMIT_LSN, confirmedLsn, true)
                && within(offset, PROCESSED_LSN, confirmedLsn, true);
        if (!atCommit && !confirmed) {
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

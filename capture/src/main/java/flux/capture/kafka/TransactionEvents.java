package flux.capture.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The table-topic messages of one committed transaction as they are written: each gets the next
 * {@code tx_position} (0-based, across tables, in publication order) and the headers
 * {@code flux-idempotency-key} ({@code <commit_lsn>:<tx_position>}) and {@code flux-tx-position};
 * the counts per table feed the transaction's END message ({@link TransactionMessages}). One per
 * transaction, on the streaming thread: nothing is allocated per message but the key's bytes (the
 * position's text is cached for the first positions, which is most transactions).
 */
public final class TransactionEvents {
    public static final String IDEMPOTENCY_KEY_HEADER = "flux-idempotency-key";
    public static final String TX_POSITION_HEADER = "flux-tx-position";
    private static final byte[][] POSITIONS = new byte[4096][];

    static {
        for (int i = 0; i < POSITIONS.length; i++) {
            POSITIONS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Messages of one table in the transaction. */
    public record Collection(String schema, String table, int count) {
    }

    private final long commitLsn;
    private final byte[] commitLsnColon;
    private int next;
    private final List<String[]> tables = new ArrayList<>(2);
    private int[] counts = new int[2];
    private int last = -1;

    public TransactionEvents(long commitLsn) {
        this.commitLsn = commitLsn;
        this.commitLsnColon = (commitLsn + ":").getBytes(StandardCharsets.US_ASCII);
    }

    public long commitLsn() {
        return commitLsn;
    }

    /** Messages given a position so far: the END's {@code event_count}. */
    public int count() {
        return next;
    }

    /** Takes the next position for a message of this table. */
    int next(String schema, String table) {
        if (last < 0 || !table.equals(tables.get(last)[1]) || !schema.equals(tables.get(last)[0])) {
            last = indexOf(schema, table);
        }
        counts[last]++;
        return next++;
    }

    private int indexOf(String schema, String table) {
        for (int i = 0; i < tables.size(); i++) {
            if (tables.get(i)[1].equals(table) && tables.get(i)[0].equals(schema)) {
                return i;
            }
        }
        tables.add(new String[] {schema, table});
        if (counts.length < tables.size()) {
            counts = java.util.Arrays.copyOf(counts, counts.length * 2);
        }
        return tables.size() - 1;
    }

    /** The tables in the order of their first message, with their counts. */
    public List<Collection> collections() {
        List<Collection> out = new ArrayList<>(tables.size());
        for (int i = 0; i < tables.size(); i++) {
            out.add(new Collection(tables.get(i)[0], tables.get(i)[1], counts[i]));
        }
        return out;
    }

    void addHeaders(RecordHeaders headers, int position) {
        byte[] text = position < POSITIONS.length ? POSITIONS[position]
                : Integer.toString(position).getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[commitLsnColon.length + text.length];
        System.arraycopy(commitLsnColon, 0, key, 0, commitLsnColon.length);
        System.arraycopy(text, 0, key, commitLsnColon.length, text.length);
        headers.add(IDEMPOTENCY_KEY_HEADER, key);
        headers.add(TX_POSITION_HEADER, text);
    }
}

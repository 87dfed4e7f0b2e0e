package flux.capture.verify;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.wal.RowJson;
import flux.capture.wal.WalMutationRecord;
import flux.capture.wal.WalTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the images ({@code old}, {@code new}) and {@code error} of the mutation records of a
 * batch of transactions, by primary key, in one query: the publication carries only the
 * columns that pair a record with its change, so decoding skips the log's two jsonb images.
 * The cross-check compares the WAL's row images with these, and rolled-back attempts are
 * published with them. Records that capture wrote itself are not read (they are neither paired
 * nor published).
 *
 * <p>Every record read here belongs to a transaction the WAL reported committed. A record that
 * is not found is read again for a moment (a commit is in the WAL a moment before other
 * sessions see it); if it stays absent (the log was pruned since), it keeps no images: its
 * change is published, and its images are not compared (logged).
 */
public final class RecordImages {
    private static final Logger log = LoggerFactory.getLogger(RecordImages.class);
    static final String SELECT = "SELECT id, old::text, new::text, error FROM flux.state_mutations WHERE id = ANY(?)";
    private static final long[] RETRY_PAUSES_MS = {5, 20, 50, 100, 250, 500};

    private record Stored(String oldImage, String newImage, String error) {
    }

    /** The transactions, each record that needs them with its images and error as stored. */
    public List<WalTransaction> attach(Connection c, List<WalTransaction> transactions)
            throws SQLException, InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (WalTransaction tx : transactions) {
            for (WalMutationRecord r : tx.records()) {
                if (!r.writtenByCapture()) {
                    ids.add(r.id());
                }
            }
        }
        if (ids.isEmpty()) {
            return transactions;
        }
        Map<Long, Stored> stored = read(c, ids);
        for (int attempt = 0; stored.size() < ids.size() && attempt < RETRY_PAUSES_MS.length; attempt++) {
            Thread.sleep(RETRY_PAUSES_MS[attempt]);
            List<Long> absent = ids.stream().filter(id -> !stored.containsKey(id)).toList();
            stored.putAll(read(c, absent));
        }
        List<WalTransaction> out = new ArrayList<>(transactions.size());
        for (WalTransaction tx : transactions) {
            List<WalMutationRecord> records = new ArrayList<>(tx.records().size());
            for (WalMutationRecord r : tx.records()) {
                Stored s = r.writtenByCapture() ? null : stored.get(r.id());
                if (s != null) {
                    r = r.withImages(json(s.oldImage()), json(s.newImage()), s.error());
                } else if (!r.writtenByCapture()) {
                    log.warn("mutation record {} ({} {} row {}) is no longer in flux.state_mutations: images not compared",
                            r.id(), r.operation(), r.qualifiedName(), r.rowId());
                }
                records.add(r);
            }
            out.add(new WalTransaction(tx.xid(), tx.tsMs(), tx.changes(), records));
        }
        return out;
    }

    private static Map<Long, Stored> read(Connection c, List<Long> ids) throws SQLException {
        Map<Long, Stored> stored = new HashMap<>(ids.size() * 2);
        try (PreparedStatement st = c.prepareStatement(SELECT)) {
            st.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), new Stored(rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return stored;
    }

    private static JsonNode json(String text) {
        return text == null ? null : RowJson.parseJson(text);
    }
}

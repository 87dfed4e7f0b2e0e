package flux.capture.verify;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.wal.RowJson;
import flux.capture.wal.WalMutationRecord;
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
 * Reads the images ({@code old}, {@code new}) and {@code error} of mutation records by primary
 * key, in one query per call: the publication carries only the columns that pair a record with
 * its change, so decoding skips the log's two jsonb images. The cross-check compares the WAL's
 * row images with these, and rolled-back attempts are published with them.
 *
 * <p>Every record read here belongs to a transaction the WAL reported committed. A record that
 * is not found is read again for a moment (a commit is in the WAL a moment before other
 * sessions see it); if it stays absent (the log was pruned since), it is returned without
 * images, and logged.
 */
public final class RecordImages {
    private static final Logger log = LoggerFactory.getLogger(RecordImages.class);
    static final String SELECT = "SELECT id, old::text, new::text, error FROM flux.state_mutations WHERE id = ANY(?)";
    private static final long[] RETRY_PAUSES_MS = {5, 20, 50, 100, 250, 500};

    private record Stored(String oldImage, String newImage, String error) {
    }

    /** The records, in the same order, each with its images and error as stored. */
    public List<WalMutationRecord> read(Connection c, List<WalMutationRecord> records)
            throws SQLException, InterruptedException {
        if (records.isEmpty()) {
            return records;
        }
        List<Long> ids = new ArrayList<>(records.size());
        records.forEach(r -> ids.add(r.id()));
        Map<Long, Stored> stored = select(c, ids);
        for (int attempt = 0; stored.size() < ids.size() && attempt < RETRY_PAUSES_MS.length; attempt++) {
            Thread.sleep(RETRY_PAUSES_MS[attempt]);
            stored.putAll(select(c, ids.stream().filter(id -> !stored.containsKey(id)).toList()));
        }
        List<WalMutationRecord> out = new ArrayList<>(records.size());
        for (WalMutationRecord r : records) {
            Stored s = stored.get(r.id());
            if (s == null) {
                log.warn("mutation record {} ({} {} row {}) is no longer in flux.state_mutations: images not compared",
                        r.id(), r.operation(), r.qualifiedName(), r.rowId());
                out.add(r);
            } else {
                out.add(r.withImages(json(s.oldImage()), json(s.newImage()), s.error()));
            }
        }
        return out;
    }

    private static Map<Long, Stored> select(Connection c, List<Long> ids) throws SQLException {
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

package flux.capture.verify;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.wal.RowJson;
import flux.capture.wal.WalMutationRecord;
import flux.log.StoredImages;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the images ({@code old}, {@code new}) and {@code error} of mutation records by primary
 * key, in one query per call ({@link StoredImages}, the log's statement): the publication carries
 * only the columns that pair a record with its change, so decoding skips the log's two jsonb images. The cross-check compares the WAL's
 * row images with these, and rolled-back attempts are published with them.
 *
 * <p>Every record read here belongs to a transaction the WAL reported committed. A record that
 * is not found is read again for a moment (a commit is in the WAL a moment before other
 * sessions see it); if it stays absent (the log was pruned since), it is returned without
 * images, and logged.
 */
public final class RecordImages {
    private static final Logger log = LoggerFactory.getLogger(RecordImages.class);
    private static final long[] RETRY_PAUSES_MS = {5, 20, 50, 100, 250, 500};

    /** The records, in the same order, each with its images and error as stored. */
    public List<WalMutationRecord> read(Connection c, List<WalMutationRecord> records)
            throws SQLException, InterruptedException {
        if (records.isEmpty()) {
            return records;
        }
        List<Long> ids = new ArrayList<>(records.size());
        records.forEach(r -> ids.add(r.id()));
        Map<Long, StoredImages> stored = StoredImages.byIds(c, ids);
        for (int attempt = 0; stored.size() < ids.size() && attempt < RETRY_PAUSES_MS.length; attempt++) {
            Thread.sleep(RETRY_PAUSES_MS[attempt]);
            stored.putAll(StoredImages.byIds(c, ids.stream().filter(id -> !stored.containsKey(id)).toList()));
        }
        List<WalMutationRecord> out = new ArrayList<>(records.size());
        for (WalMutationRecord r : records) {
            StoredImages s = stored.get(r.id());
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

    private static JsonNode json(String text) {
        return text == null ? null : RowJson.parseJson(text);
    }
}

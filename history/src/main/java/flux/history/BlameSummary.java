package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.log.OrderKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One row's blame summary, as stored in {@code flux.row_blame}: its latest committed record, and
 * per column the latest committed record that set it and the latest rolled-back attempt on it,
 * each by its place in the row's commit order ({@link OrderKey}; history-schema.sql stores a
 * place as the record's id, or {@code [placed_after, id]}). Folding keeps the latest place, so it
 * is order-independent and idempotent: the background folder and a blame read can both fold the
 * same records, in any order. Which columns a record touches is decided in one place,
 * {@code flux.blame_columns} (SQL).
 */
final class BlameSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OrderKey latest;
    private final Map<String, OrderKey> committed = new HashMap<>();
    private final Map<String, OrderKey> attempted = new HashMap<>();

    private BlameSummary() {
    }

    /**
     * A summary as stored: {@code latestKey} null means {@code latestId} is its own place; maps as
     * jsonb text ({@code {"plan": 17, "n": [12, 19]}}); ids as numbers or strings.
     */
    static BlameSummary stored(Long latestId, Long latestKey, String committedJson, String attemptedJson) {
        BlameSummary s = new BlameSummary();
        s.latest = latestId == null ? null : new OrderKey(latestKey == null ? latestId : latestKey, latestId);
        read(committedJson, s.committed);
        read(attemptedJson, s.attempted);
        return s;
    }

    /** Folds one record: a committed one may become the latest, either kind stamps its columns. */
    void fold(OrderKey place, boolean isCommitted, Collection<String> columns) {
        if (isCommitted && (latest == null || place.isAfter(latest))) {
            latest = place;
        }
        Map<String, OrderKey> target = isCommitted ? committed : attempted;
        for (String column : columns) {
            target.merge(column, place, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** The latest committed record's place, or null (attempts only). */
    OrderKey latest() {
        return latest;
    }

    Map<String, OrderKey> committed() {
        return committed;
    }

    Map<String, OrderKey> attempted() {
        return attempted;
    }

    private static void read(String json, Map<String, OrderKey> into) {
        if (json == null) {
            return;
        }
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(json).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode ref = e.getValue();
                into.put(e.getKey(), ref.isArray() ? new OrderKey(ref.get(0).asLong(), ref.get(1).asLong())
                        : new OrderKey(ref.asLong(), ref.asLong()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("flux.row_blame holds an unreadable map: " + json, e);
        }
    }

    /** An empty summary, for a row the folder has not seen yet. */
    static BlameSummary empty() {
        return new BlameSummary();
    }
}

package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One row's blame summary, as stored in {@code flux.row_blame}: the id of its latest committed
 * record, and per column the highest id of a committed record that set it and of a rolled-back
 * attempt on it. Folding keeps maxima, so it is order-independent and idempotent: the
 * background folder and a blame read can both fold the same records, in any order. Which
 * columns a record touches is decided in one place, {@code flux.blame_columns} (SQL).
 */
final class BlameSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Long latestId;
    private final Map<String, Long> committed = new HashMap<>();
    private final Map<String, Long> attempted = new HashMap<>();

    private BlameSummary() {
    }

    /** A summary as stored: maps as jsonb text ({@code {"plan": 17}}); ids as numbers or strings. */
    static BlameSummary stored(Long latestId, String committedJson, String attemptedJson) {
        BlameSummary s = new BlameSummary();
        s.latestId = latestId;
        read(committedJson, s.committed);
        read(attemptedJson, s.attempted);
        return s;
    }

    /** Folds one record: a committed one moves the latest id, either kind stamps its columns. */
    void fold(long id, boolean isCommitted, Collection<String> columns) {
        if (isCommitted && (latestId == null || id > latestId)) {
            latestId = id;
        }
        Map<String, Long> target = isCommitted ? committed : attempted;
        for (String column : columns) {
            target.merge(column, id, Math::max);
        }
    }

    /** This summary and another of the same row (under another name its table had), folded together. */
    BlameSummary with(BlameSummary other) {
        BlameSummary s = new BlameSummary();
        s.latestId = latestId == null ? other.latestId
                : other.latestId == null ? latestId : Long.valueOf(Math.max(latestId, other.latestId));
        for (BlameSummary part : List.of(this, other)) {
            part.committed.forEach((column, id) -> s.committed.merge(column, id, Math::max));
            part.attempted.forEach((column, id) -> s.attempted.merge(column, id, Math::max));
        }
        return s;
    }

    /** This summary with each column named as {@code name} says, given the column and the record id. */
    BlameSummary renamed(BiFunction<String, Long, String> name) {
        BlameSummary s = new BlameSummary();
        s.latestId = latestId;
        committed.forEach((column, id) -> s.committed.merge(name.apply(column, id), id, Math::max));
        attempted.forEach((column, id) -> s.attempted.merge(name.apply(column, id), id, Math::max));
        return s;
    }

    Long latestId() {
        return latestId;
    }

    Map<String, Long> committed() {
        return committed;
    }

    Map<String, Long> attempted() {
        return attempted;
    }

    String committedJson() {
        return write(committed);
    }

    String attemptedJson() {
        return write(attempted);
    }

    private static void read(String json, Map<String, Long> into) {
        if (json == null) {
            return;
        }
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(json).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                into.put(e.getKey(), e.getValue().asLong());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("flux.row_blame holds an unreadable map: " + json, e);
        }
    }

    private static String write(Map<String, Long> ids) {
        ObjectNode node = JSON.createObjectNode();
        ids.forEach(node::put);
        return node.toString();
    }

    /** An empty summary, for a row the folder has not seen yet. */
    static BlameSummary empty() {
        return new BlameSummary();
    }
}

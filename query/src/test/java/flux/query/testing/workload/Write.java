package flux.query.testing.workload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.model.JsonCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One write of a workload step on the workload table ({@link WorkloadGenerator#DDL}). Values are
 * column to value maps of {@code plan} (text), {@code n} (int) and {@code note} (text); a null
 * {@code plan} violates its NOT NULL.
 */
public sealed interface Write {

    /** Inserts row {@code id} with {@code values} (every column but the key). */
    record Insert(long id, Map<String, Object> values) implements Write {
        public Insert {
            values = copy(values);
        }
    }

    /** Updates row {@code id}. */
    record Update(long id, Map<String, Object> changes) implements Write {
        public Update {
            changes = copy(changes);
        }
    }

    /** Updates every row with {@code from <= id <= to}: one statement, many rows. */
    record UpdateRange(long from, long to, Map<String, Object> changes) implements Write {
        public UpdateRange {
            changes = copy(changes);
        }
    }

    /** Deletes row {@code id}. */
    record Delete(long id) implements Write {
    }

    /** The write as a {@code POST /v1/query} body (also what the engine executor reads). */
    default ObjectNode toJson(String table) {
        ObjectNode q = JsonCodec.mapper().createObjectNode().put("table", table);
        if (this instanceof Insert w) {
            q.put("operation", "insert");
            ObjectNode data = q.putObject("data").put("id", w.id());
            data.setAll((ObjectNode) JsonCodec.mapper().valueToTree(w.values()));
        } else if (this instanceof Update w) {
            q.put("operation", "update").set("data", JsonCodec.mapper().valueToTree(w.changes()));
            filter(q.putArray("filters"), "eq", w.id());
        } else if (this instanceof UpdateRange w) {
            q.put("operation", "update").set("data", JsonCodec.mapper().valueToTree(w.changes()));
            ArrayNode filters = q.putArray("filters");
            filter(filters, "gte", w.from());
            filter(filters, "lte", w.to());
        } else {
            q.put("operation", "delete");
            filter(q.putArray("filters"), "eq", ((Delete) this).id());
        }
        return q;
    }

    private static void filter(ArrayNode filters, String op, long id) {
        filters.addObject().put("column", "id").put("op", op).put("value", id);
    }

    private static Map<String, Object> copy(Map<String, Object> values) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)); // keeps nulls, and the order
    }
}

package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the id a user typed into the log's {@code row_id} (docs/contracts.md): a single-column
 * key is taken verbatim; a composite key is given as {@code a,b} or as the JSON array
 * {@code ["a","b"]} and stored as a JSON array of texts without spaces.
 */
final class RowKey {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RowKey() {
    }

    static String rowId(TableShape shape, String id) {
        if (id == null || id.isEmpty()) {
            throw new HistoryException.InvalidArgument("a row id is required");
        }
        int arity = shape.keyColumns().size();
        if (arity <= 1) {
            return id;
        }
        List<String> parts = id.startsWith("[") ? fromJsonArray(id) : List.of(id.split(",", -1));
        if (parts.size() != arity) {
            throw new HistoryException.InvalidArgument("the key of " + shape.table().display() + " has " + arity
                    + " columns (" + String.join(", ", shape.keyColumns()) + "); the id \"" + id + "\" gives "
                    + parts.size());
        }
        ArrayNode array = JSON.createArrayNode();
        parts.forEach(array::add);
        return array.toString();
    }

    private static List<String> fromJsonArray(String id) {
        JsonNode node;
        try {
            node = JSON.readTree(id);
        } catch (JsonProcessingException e) {
            throw new HistoryException.InvalidArgument("the id \"" + id + "\" is not a JSON array");
        }
        if (node == null || !node.isArray()) {
            throw new HistoryException.InvalidArgument("the id \"" + id + "\" is not a JSON array");
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isValueNode() || element.isNull()) {
                throw new HistoryException.InvalidArgument("the id \"" + id + "\" must hold key values, not " + element);
            }
            parts.add(element.asText());
        }
        return parts;
    }
}

package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Row images ({@code old} / {@code new} jsonb) as JSON objects whose keys follow the table's
 * column order: jsonb stores keys sorted by length, which reads badly. Keys the table no
 * longer has (dropped columns) follow, in jsonb's order.
 */
final class Images {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Images() {
    }

    static ObjectNode parse(String jsonb, List<String> columns) {
        if (jsonb == null) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(jsonb);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the mutation log holds an unreadable image: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode image)) {
            throw new IllegalStateException("the mutation log holds an image that is not an object: " + jsonb);
        }
        return ordered(image, columns);
    }

    /** {@code image} with the keys in {@code columns} first, in that order; null stays null. */
    static ObjectNode ordered(ObjectNode image, List<String> columns) {
        if (image == null) {
            return null;
        }
        ObjectNode ordered = JSON.createObjectNode();
        for (String column : columns) {
            if (image.has(column)) {
                ordered.set(column, image.get(column));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!ordered.has(field.getKey())) {
                ordered.set(field.getKey(), field.getValue());
            }
        }
        return ordered;
    }
}

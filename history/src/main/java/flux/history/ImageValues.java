package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import flux.query.QueryEngine;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Values of a logged image as the engine's queries take them. The log's images are
 * {@code to_jsonb} of the row, which writes {@code bytea} as {@code "\\x0102"} text; the query API
 * takes bytes as base64 (docs/query-api.md). Every other type reads back as it was written.
 * Generated columns are left out: PostgreSQL computes them again from the values put back (the
 * engine refuses to write them), so an undone or restored row gets the value its inputs give.
 */
final class ImageValues {
    private ImageValues() {
    }

    /**
     * {@code values} (an image, a key, assignments) for a query on {@code table} ({@code schema.name});
     * {@code refreshOnMiss} false inside a transaction ({@code Catalog.table} says why).
     */
    static ObjectNode forQuery(QueryEngine engine, String table, ObjectNode values, boolean refreshOnMiss) {
        Table t = engine.catalog().table(table, refreshOnMiss);
        if (values == null || !t.hasBytes() && t.columns().stream().noneMatch(Column::generated)) {
            return values;
        }
        ObjectNode converted = values.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode v = field.getValue();
            if (t.has(field.getKey()) && t.column(field.getKey()).generated()) {
                converted.remove(field.getKey());
            } else if (t.has(field.getKey()) && t.column(field.getKey()).kind() == ColumnKind.BYTES && v.isTextual()
                    && v.asText().startsWith("\\x")) {
                byte[] bytes = HexFormat.of().parseHex(v.asText().substring(2));
                converted.set(field.getKey(), TextNode.valueOf(Base64.getEncoder().encodeToString(bytes)));
            }
        }
        return converted;
    }
}

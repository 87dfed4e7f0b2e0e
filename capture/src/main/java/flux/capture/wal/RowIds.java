package flux.capture.wal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The mutation log's {@code row_id} (docs/contracts.md): a single-column key's text form; a
 * composite key as a JSON array of text forms in key order, without spaces. Built from the
 * key in {@link RowJson} form, which matches PostgreSQL's text cast for the usual key types
 * (integers, text, uuid, numeric, date); timestamps differ in the separator ('T' vs ' '), which
 * is replaced here.
 */
public final class RowIds {
    private RowIds() {
    }

    public static String of(ObjectNode key) {
        if (key == null || key.isEmpty()) {
            return "";
        }
        if (key.size() == 1) {
            return text(key.elements().next());
        }
        StringBuilder out = new StringBuilder("[");
        Iterator<Map.Entry<String, JsonNode>> fields = key.fields();
        boolean first = true;
        while (fields.hasNext()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            JsonNode value = fields.next().getValue();
            out.append(value.isNull() ? "null" : RowJson.NODES.textNode(text(value)).toString());
        }
        return out.append(']').toString();
    }

    private static String text(JsonNode value) {
        if (value.isNull()) {
            return "";
        }
        // asText() of a number is its JSON text; toString() would run a whole ObjectWriter per key
        String text = value.isTextual() ? value.textValue() : value.isValueNode() ? value.asText() : value.toString();
        // ISO timestamps from RowJson: PostgreSQL's text cast writes a space between date and time
        if (text.length() >= 19 && text.charAt(10) == 'T' && text.charAt(4) == '-' && text.charAt(13) == ':') {
            return text.substring(0, 10) + ' ' + text.substring(11);
        }
        return text;
    }
}

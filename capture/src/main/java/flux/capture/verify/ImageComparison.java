package flux.capture.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.RowJson;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares a mutation record's image ({@code to_jsonb} of the row, written by the engine) with
 * the same row decoded from the WAL ({@link RowJson}). Equal means equal values, tolerating the
 * two renderings: numbers by value ({@code 1.50} = {@code 1.5}), timestamps with a zone as
 * instants ({@code +00:00} = {@code Z}), and TOASTed values the WAL did not carry. Columns only
 * one side knows (types Debezium skips) are not compared.
 */
public final class ImageComparison {
    private ImageComparison() {
    }

    /** Columns whose values differ; empty when the images agree or either side is absent. */
    public static List<String> differingColumns(JsonNode recordImage, ObjectNode walImage) {
        List<String> differing = new ArrayList<>();
        if (recordImage == null || recordImage.isNull() || walImage == null) {
            return differing;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = walImage.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode fromRecord = recordImage.get(field.getKey());
            if (fromRecord != null && !same(fromRecord, field.getValue())) {
                differing.add(field.getKey());
            }
        }
        return differing;
    }

    static boolean same(JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return true;
        }
        if (b.isTextual() && RowJson.UNAVAILABLE.equals(b.textValue())) {
            return true;
        }
        if (a.isNumber() || b.isNumber()) {
            BigDecimal x = decimal(a);
            BigDecimal y = decimal(b);
            return x != null && y != null && x.compareTo(y) == 0;
        }
        if (a.isTextual() && b.isTextual()) {
            if (sameUtcText(a.textValue(), b.textValue())) {
                return true; // the common case, without parsing: "...+00:00" (to_jsonb in UTC) = "...Z" (WAL)
            }
            OffsetDateTime x = instant(a.textValue());
            OffsetDateTime y = instant(b.textValue());
            return x != null && y != null && x.isEqual(y);
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject() && a.size() == b.size()) {
            Iterator<Map.Entry<String, JsonNode>> fields = a.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode other = b.get(f.getKey());
                if (other == null || !same(f.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isTextual()) {
            try {
                return new BigDecimal(n.textValue());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Same text up to a UTC offset that each ends with ("Z", "+00", "+00:00"). */
    private static boolean sameUtcText(String a, String b) {
        int end = utcOffsetStart(a);
        return end >= 19 && end == utcOffsetStart(b) && a.regionMatches(0, b, 0, end);
    }

    private static int utcOffsetStart(String text) {
        if (text.endsWith("Z")) {
            return text.length() - 1;
        }
        if (text.endsWith("+00:00")) {
            return text.length() - 6;
        }
        return text.endsWith("+00") ? text.length() - 3 : -1;
    }

    /** Parses ISO timestamps with an offset, in PostgreSQL's forms too ("+00", a space before the time). */
    private static OffsetDateTime instant(String text) {
        if (text.length() < 20 || text.charAt(4) != '-') {
            return null;
        }
        String iso = text.replace(' ', 'T');
        int sign = Math.max(iso.lastIndexOf('+'), iso.lastIndexOf('-'));
        if (sign > 10 && iso.length() - sign == 3) {
            iso = iso + ":00";
        }
        try {
            return OffsetDateTime.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

package flux.capture.wal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Renders Debezium's row values as JSON shaped like PostgreSQL's {@code to_jsonb(row)}, the
 * form of the mutation log's images: dates and timestamps as ISO text, numeric as JSON
 * numbers from their exact digits (the connector runs with {@code decimal.handling.mode=string} and
 * {@code column.propagate.source.type}, so the column type tells numerics from text), NaN and
 * infinities as strings, intervals in PostgreSQL's own text ({@link IntervalText}), json
 * and jsonb as JSON, bytea as {@code \x} hex. Timestamps with a zone keep Debezium's UTC
 * rendering: {@code to_jsonb} uses the session's zone, so those compare as instants.
 */
public final class RowJson {
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Numbers in json and jsonb values keep every digit, as in the log (a double would round them). */
    static final ObjectMapper JSON = new ObjectMapper().setNodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Debezium's placeholder for an unchanged TOASTed value missing from the after image. */
    public static final String UNAVAILABLE = "__debezium_unavailable_value";
    private static final String SOURCE_TYPE = "__debezium.source.column.type";

    private RowJson() {
    }

    /** The row as an object, or null. Unchanged TOASTed values are taken from {@code before}. */
    public static ObjectNode toTree(Struct row, ObjectNode before) {
        if (row == null) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        for (Field field : row.schema().fields()) {
            JsonNode value = value(field.schema(), row.getWithoutDefault(field.name()));
            if (before != null && value.isTextual() && UNAVAILABLE.equals(value.textValue()) && before.has(field.name())) {
                value = before.get(field.name());
            }
            out.set(field.name(), value);
        }
        return out;
    }

    public static ObjectNode toTree(Struct row) {
        return toTree(row, null);
    }

    static JsonNode value(Schema schema, Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        String name = schema.name();
        if (name != null) {
            JsonNode semantic = semantic(name, schema, v);
            if (semantic != null) {
                return semantic;
            }
        }
        switch (schema.type()) {
            case INT8:
            case INT16:
            case INT32:
                return NODES.numberNode(((Number) v).intValue());
            case INT64:
                return NODES.numberNode(((Number) v).longValue());
            case FLOAT32:
            case FLOAT64: {
                double d = ((Number) v).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(postgresSpecial(d));
            }
            case BOOLEAN:
                return NODES.booleanNode((Boolean) v);
            case STRING:
                return isNumericColumn(schema) ? numeric((String) v) : NODES.textNode((String) v);
            case BYTES:
                return NODES.textNode(hex(v));
            case ARRAY: {
                ArrayNode array = NODES.arrayNode();
                boolean numerics = isNumericArray(schema); // elements carry no source type of their own
                for (Object item : (List<?>) v) {
                    array.add(numerics && item instanceof String text ? numeric(text) : value(schema.valueSchema(), item));
                }
                return array;
            }
            case MAP: {
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    map.set(String.valueOf(e.getKey()), value(schema.valueSchema(), e.getValue()));
                }
                return map;
            }
            case STRUCT:
                return toTree((Struct) v);
            default:
                return NODES.textNode(String.valueOf(v));
        }
    }

    private static JsonNode semantic(String name, Schema schema, Object v) {
        switch (name) {
            case "io.debezium.time.Date":
                return NODES.textNode(LocalDate.ofEpochDay(((Number) v).longValue()).toString());
            case "io.debezium.time.MicroTimestamp":
                return NODES.textNode(Temporals.timestamp(((Number) v).longValue() * 1000L, 'T'));
            case "io.debezium.time.Timestamp":
                return NODES.textNode(Temporals.timestamp(((Number) v).longValue() * 1_000_000L, 'T'));
            case "io.debezium.time.NanoTimestamp":
                return NODES.textNode(Temporals.timestamp(((Number) v).longValue(), 'T'));
            case "io.debezium.time.MicroTime":
                return NODES.textNode(Temporals.time(((Number) v).longValue() * 1000L));
            case "io.debezium.time.Time":
                return NODES.textNode(Temporals.time(((Number) v).longValue() * 1_000_000L));
            case "io.debezium.time.Interval":
                return NODES.textNode(IntervalText.fromIso((String) v));
            case "io.debezium.data.Json":
                return parseJson((String) v);
            case "org.apache.kafka.connect.data.Decimal":
                return NODES.numberNode((BigDecimal) v);
            case "io.debezium.data.VariableScaleDecimal": {
                Struct s = (Struct) v;
                return NODES.numberNode(new BigDecimal(new BigInteger(s.getBytes("value")), s.getInt32("scale")));
            }
            default:
                return null;
        }
    }

    private static boolean isNumericColumn(Schema schema) {
        String type = sourceType(schema);
        return "NUMERIC".equals(type) || "DECIMAL".equals(type);
    }

    private static boolean isNumericArray(Schema schema) {
        return "_NUMERIC".equals(sourceType(schema));
    }

    private static String sourceType(Schema schema) {
        Map<String, String> parameters = schema.parameters();
        return parameters == null ? null : parameters.get(SOURCE_TYPE);
    }

    /**
     * A numeric from Debezium's exact text ({@code decimal.handling.mode=string}: BigDecimal's plain
     * string, never through a double). NaN and the infinities are not JSON numbers: {@code to_jsonb}
     * writes them as the strings PostgreSQL prints, where Debezium names its constants.
     */
    static JsonNode numeric(String text) {
        try {
            return NODES.numberNode(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(switch (text) {
                case "NAN" -> "NaN";
                case "POSITIVE_INFINITY" -> "Infinity";
                case "NEGATIVE_INFINITY" -> "-Infinity";
                default -> text;
            });
        }
    }

    /** JSON text (a json or jsonb value) as a tree; text that does not parse as a string node. */
    public static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return NODES.textNode(text);
        }
    }

    static String hex(Object bytes) {
        byte[] b;
        if (bytes instanceof ByteBuffer) {
            ByteBuffer buffer = ((ByteBuffer) bytes).duplicate();
            b = new byte[buffer.remaining()];
            buffer.get(b);
        } else {
            b = (byte[]) bytes;
        }
        StringBuilder out = new StringBuilder(2 + b.length * 2).append("\\x");
        for (byte x : b) {
            out.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return out.toString();
    }

    private static String postgresSpecial(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    /** Date and time text in PostgreSQL's ISO style, fractions without trailing zeros. */
    static final class Temporals {
        private Temporals() {
        }

        static String timestamp(long epochNanos, char separator) {
            long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
            int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
            LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
            return t.toLocalDate() + String.valueOf(separator) + time(t.toLocalTime().toNanoOfDay());
        }

        static String time(long nanoOfDay) {
            LocalTime t = LocalTime.ofNanoOfDay(nanoOfDay);
            StringBuilder out = new StringBuilder(15);
            two(out, t.getHour()).append(':');
            two(out, t.getMinute()).append(':');
            two(out, t.getSecond());
            int micros = t.getNano() / 1000;
            if (micros != 0) {
                String fraction = String.format("%06d", micros);
                int end = fraction.length();
                while (fraction.charAt(end - 1) == '0') {
                    end--;
                }
                out.append('.').append(fraction, 0, end);
            }
            return out.toString();
        }

        private static StringBuilder two(StringBuilder out, int v) {
            return out.append(v < 10 ? "0" : "").append(v);
        }
    }
}

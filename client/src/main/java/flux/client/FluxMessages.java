package flux.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads Flux's Kafka messages into records, without Kafka: the value and key as JSON bytes,
 * headers through a lookup. The one place that knows the JSON field names (the JSON Schemas in
 * {@code flux/client/schema/} state the same). Thread-safe. A message that is not JSON, or lacks a
 * field every message of its kind has, is a {@link FluxMessageException}.
 */
public final class FluxMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FluxMessages() {
    }

    /** The message of {@code topic}, by its kind: the three shared topics by name, any other as a table topic. */
    public static FluxMessage read(String topic, byte[] key, byte[] value, Function<String, String> headers) {
        return switch (topic) {
            case Topics.ROLLED_BACK -> rolledBack(value, headers);
            case Topics.TRANSACTIONS -> transaction(value);
            case Topics.SCHEMA_CHANGES -> schemaChange(value);
            default -> change(key, value, headers);
        };
    }

    public static FluxChange change(byte[] key, byte[] value, Function<String, String> headers) {
        JsonNode v = parse(value);
        return new FluxChange(op(v), text(v, "schema"), text(v, "table"), text(v, "row_id"),
                optionalText(v, "old_row_id"), image(v, "old_key"), key == null ? null : parse(key),
                image(v, "before"), image(v, "after"), optionalText(v, "request_id"), optionalLong(v, "txid"),
                optionalLong(v, "lsn"), optionalLong(v, "commit_lsn"), optionalLong(v, "tx_position"),
                number(v, "ts_ms"), text(v, "source"), tenant(v, headers), headers.apply(Headers.IDEMPOTENCY_KEY),
                optionalText(v, "snapshot_id"));
    }

    public static FluxRolledBack rolledBack(byte[] value, Function<String, String> headers) {
        JsonNode v = parse(value);
        return new FluxRolledBack(op(v), text(v, "schema"), text(v, "table"), text(v, "row_id"), image(v, "before"),
                image(v, "after"), optionalText(v, "request_id"), optionalLong(v, "txid"), optionalLong(v, "lsn"),
                number(v, "ts_ms"), text(v, "source"), text(v, "status"), optionalText(v, "error"),
                number(v, "mutation_id"), tenant(v, headers));
    }

    public static FluxTransaction transaction(byte[] value) {
        JsonNode v = parse(value);
        List<FluxTransaction.DataCollection> collections = new ArrayList<>();
        for (JsonNode c : v.path("data_collections")) {
            collections.add(new FluxTransaction.DataCollection(text(c, "topic"), text(c, "schema"), text(c, "table"),
                    (int) number(c, "event_count")));
        }
        Long events = optionalLong(v, "event_count");
        return new FluxTransaction(FluxTransaction.Status.valueOf(text(v, "status")), number(v, "txid"),
                optionalText(v, "request_id"), number(v, "commit_lsn"), number(v, "ts_ms"), text(v, "source"),
                events == null ? null : events.intValue(), List.copyOf(collections));
    }

    public static FluxSchemaChange schemaChange(byte[] value) {
        JsonNode v = parse(value);
        List<FluxSchemaChange.Column> columns = new ArrayList<>();
        for (JsonNode c : v.path("columns")) {
            columns.add(new FluxSchemaChange.Column(text(c, "name"), text(c, "type")));
        }
        List<String> keyColumns = new ArrayList<>();
        for (JsonNode k : v.path("key_columns")) {
            keyColumns.add(k.asText());
        }
        return new FluxSchemaChange(number(v, "id"), text(v, "change"), text(v, "schema"), text(v, "table"),
                optionalText(v, "old_schema"), optionalText(v, "old_table"), optionalText(v, "column"),
                optionalText(v, "old_column"), optionalText(v, "type"), optionalText(v, "old_type"),
                v.has("value_for_existing") ? v.get("value_for_existing") : null, List.copyOf(columns),
                List.copyOf(keyColumns), optionalText(v, "migration"), text(v, "detected_by"),
                optionalText(v, "command"), optionalText(v, "role"), number(v, "table_oid"), text(v, "at"),
                optionalLong(v, "txid"), number(v, "lsn"), number(v, "ts_ms"));
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes == null) {
            throw new FluxMessageException("message without a value (a tombstone?): Flux sends none");
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new FluxMessageException("message is not JSON: " + e.getMessage(), e);
        }
    }

    private static Op op(JsonNode v) {
        String op = text(v, "op");
        try {
            return Op.valueOf(op);
        } catch (IllegalArgumentException e) {
            throw new FluxMessageException("unknown op \"" + op + "\"", e);
        }
    }

    /** The value's tenant_id and the header say the same; the header is there even for a reader that skips the value. */
    private static String tenant(JsonNode v, Function<String, String> headers) {
        String header = headers.apply(Headers.TENANT_ID);
        return header != null ? header : optionalText(v, "tenant_id");
    }

    /** A row image or key: null for JSON null or absent. */
    private static JsonNode image(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n instanceof NullNode ? null : n;
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null || n.isNull()) {
            throw new FluxMessageException("message lacks \"" + field + "\": " + abbreviated(v));
        }
        return n.asText();
    }

    private static String optionalText(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static long number(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null || !n.canConvertToLong()) {
            throw new FluxMessageException("message lacks the number \"" + field + "\": " + abbreviated(v));
        }
        return n.longValue();
    }

    private static Long optionalLong(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? null : number(v, field);
    }

    private static String abbreviated(JsonNode v) {
        String text = v.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}

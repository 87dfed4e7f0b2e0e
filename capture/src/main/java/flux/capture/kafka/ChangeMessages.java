package flux.capture.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.verify.CrossCheck;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import flux.log.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka records of the contract. Table topics: key = primary key JSON ({@code {"id":42}}),
 * value = {@code {op, schema, table, row_id, before, after, request_id, txid, lsn, commit_lsn, tx_position, ts_ms,
 * source}}, headers {@code flux-request-id}, {@code flux-idempotency-key}, {@code flux-tx-position}
 * ({@link TransactionEvents}); with a tenant, also {@code tenant_id} in the value and the header
 * {@code flux-tenant-id}. An UPDATE that changed the primary key is one message under the new key
 * that also names the old one ({@code old_row_id}, {@code old_key}); a TRUNCATE is one message
 * without a key ({@code op: TRUNCATE}, {@code row_id: ""}, no images). {@code flux.rolled_back}: key = {@code {schema, table, row_id}}
 * (per-row order), value = the same fields from the attempt's record plus {@code status},
 * {@code error} and {@code mutation_id}; {@code lsn} is the record's, {@code before/after} its old/new.
 */
public final class ChangeMessages {
    public static final String REQUEST_ID_HEADER = "flux-request-id";
    /** Thread-safe; messages are written field by field (no tree per message, no serializer lookups). */
    public static final String TENANT_ID_HEADER = "flux-tenant-id";
    /** Decimals are written by {@link #node}, plain. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ChangeMessages() {
    }

    /** A change of the WAL, at the next position of its transaction ({@code events}). */
    public static ProducerRecord<byte[], byte[]> change(CrossCheck.Outgoing out, long txid8, TransactionEvents events) {
        WalChange c = out.change();
        int position = events.next(c.schema(), c.table());
        byte[] value = write(g -> {
            startValue(g, c.operation(), c.schema(), c.table(), c.rowId(), c.before(), c.after());
            g.writeStringField("request_id", out.requestId());
            g.writeNumberField("txid", txid8);
            g.writeNumberField("lsn", c.lsn());
            g.writeNumberField("commit_lsn", events.commitLsn());
            g.writeNumberField("tx_position", position);
            g.writeNumberField("ts_ms", c.tsMs());
            g.writeStringField("source", out.source());
            if (out.tenantId() != null) {
                g.writeStringField("tenant_id", out.tenantId());
            }
            if (c.oldKey() != null) {
                g.writeStringField("old_row_id", c.oldRowId());
                g.writeFieldName("old_key");
                node(g, c.oldKey());
            }
            g.writeEndObject();
        });
        byte[] key = c.operation() == Operation.TRUNCATE ? null : write(g -> node(g, c.key()));
        ProducerRecord<byte[], byte[]> record = record(TopicNames.forTable(c.schema(), c.table()), key, value,
                out.requestId(), out.tenantId());
        events.addHeaders((RecordHeaders) record.headers(), position);
        return record;
    }

    public static ProducerRecord<byte[], byte[]> rolledBack(WalMutationRecord r, long tsMs) {
        byte[] key = write(g -> {
            g.writeStartObject();
            g.writeStringField("schema", r.tableSchema());
            g.writeStringField("table", r.tableName());
            g.writeStringField("row_id", r.rowId());
            g.writeEndObject();
        });
        byte[] value = write(g -> {
            startRecordValue(g, r.operation().name(), r, tsMs);
            g.writeStringField("status", r.status());
            g.writeStringField("error", r.error());
            g.writeNumberField("mutation_id", r.id());
            if (r.tenantId() != null) {
                g.writeStringField("tenant_id", r.tenantId());
            }
            g.writeEndObject();
        });
        return record(TopicNames.ROLLED_BACK, key, value, r.requestId(), r.tenantId());
    }

    /**
     * A change published from the mutation log rather than the WAL (its table was not in the publication
     * when it was written, see {@code LogBackfill}), on its table's topic: the record's own operation,
     * or {@code READ} for a snapshot record of a row found when its table joined (a snapshot's DELETE
     * stays a DELETE); key and images from the record; {@code lsn} is the record's.
     *
     * @param keyColumns the table's primary key columns, for the message key
     * @param tsMs       the commit time of the transaction that wrote the record
     * @param events     the transaction it is published with (its position)
     */
    public static ProducerRecord<byte[], byte[]> fromLog(WalMutationRecord r, List<String> keyColumns, long tsMs,
                                                         TransactionEvents events) {
        int position = events.next(r.tableSchema(), r.tableName());
        boolean snapshot = Source.SNAPSHOT.stored().equals(r.source());
        String op = snapshot && r.operation() != Operation.DELETE ? "READ" : r.operation().name();
        JsonNode row = r.operation() == Operation.DELETE ? r.oldImage() : r.newImage();
        byte[] key = write(g -> {
            g.writeStartObject();
            for (String column : keyColumns) {
                g.writeFieldName(column);
                node(g, row == null ? null : row.get(column));
            }
            g.writeEndObject();
        });
        byte[] value = write(g -> {
            startRecordValue(g, op, r, tsMs);
            g.writeNumberField("commit_lsn", events.commitLsn());
            g.writeNumberField("tx_position", position);
            if (r.tenantId() != null) {
                g.writeStringField("tenant_id", r.tenantId());
            }
            g.writeEndObject();
        });
        ProducerRecord<byte[], byte[]> record = record(TopicNames.forTable(r.tableSchema(), r.tableName()), key, value,
                r.requestId(), r.tenantId());
        events.addHeaders((RecordHeaders) record.headers(), position);
        return record;
    }

    /**
     * A row of a snapshot chunk ({@code flux capture snapshot}): {@code op READ}, the row as {@code after},
     * keyed like the table's changes; no transaction ({@code txid}, {@code lsn}, {@code commit_lsn},
     * {@code tx_position} null, no idempotency header), {@code source: "snapshot"} and the snapshot's id.
     * Its tenant ({@code tenant_id} and {@code flux-tenant-id}) is the one a write of the row would carry:
     * the schema's owner, else the row's {@code tenant_id} column ({@link #snapshotTenant}).
     *
     * @param schemaOwner the tenant owning {@code schema} (schema-mode tenancy), or null
     * @param tsMs        when the chunk was read
     */
    public static ProducerRecord<byte[], byte[]> snapshotRead(String schema, String table, ObjectNode key, String rowId,
                                                              ObjectNode row, String snapshotId, String schemaOwner,
                                                              long tsMs) {
        String tenantId = snapshotTenant(schemaOwner, row);
        byte[] value = write(g -> {
            startValue(g, "READ", schema, table, rowId, null, row);
            g.writeNullField("request_id");
            g.writeNullField("txid");
            g.writeNullField("lsn");
            g.writeNullField("commit_lsn");
            g.writeNullField("tx_position");
            g.writeNumberField("ts_ms", tsMs);
            g.writeStringField("source", Source.SNAPSHOT.stored());
            g.writeStringField("snapshot_id", snapshotId);
            if (tenantId != null) {
                g.writeStringField("tenant_id", tenantId);
            }
            g.writeEndObject();
        });
        return record(TopicNames.forTable(schema, table), write(g -> node(g, key)), value, null, tenantId);
    }

    /**
     * The tenant of a snapshot's row by the rule the log gives raw writes ({@code WalRecords}): the schema's
     * owner first (in a tenant's schema a {@code tenant_id} column is that tenant's data), else the row's
     * {@code tenant_id} as text ({@code ->> 'tenant_id'}), else none.
     */
    static String snapshotTenant(String schemaOwner, JsonNode row) {
        if (schemaOwner != null) {
            return schemaOwner;
        }
        JsonNode column = row == null ? null : row.get("tenant_id");
        if (column == null || column.isNull()) {
            return null;
        }
        return column.isValueNode() ? column.asText() : column.toString();
    }

    /** Opens the value of a message made from a mutation record: the fields of a change, from the record. */
    private static void startRecordValue(JsonGenerator g, String op, WalMutationRecord r, long tsMs) throws IOException {
        startValue(g, op, r.tableSchema(), r.tableName(), r.rowId(), r.oldImage(), r.newImage());
        g.writeStringField("request_id", r.requestId());
        g.writeFieldName("txid");
        if (r.txid() == null) {
            g.writeNull();
        } else {
            g.writeNumber(r.txid());
        }
        g.writeNumberField("lsn", r.lsn());
        g.writeNumberField("ts_ms", tsMs);
        g.writeStringField("source", r.source());
    }

    /** Opens a value and writes the fields both topics start with: op, schema, table, row_id, before, after. */
    private static void startValue(JsonGenerator g, Operation op, String schema, String table, String rowId,
                                   JsonNode before, JsonNode after) throws IOException {
        startValue(g, op.name(), schema, table, rowId, before, after);
    }

    private static void startValue(JsonGenerator g, String op, String schema, String table, String rowId,
                                   JsonNode before, JsonNode after) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", op);
        g.writeStringField("schema", schema);
        g.writeStringField("table", table);
        g.writeStringField("row_id", rowId);
        g.writeFieldName("before");
        node(g, before);
        g.writeFieldName("after");
        node(g, after);
    }

    static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, String requestId,
                                                         String tenantId) {
        RecordHeaders headers = new RecordHeaders();
        if (requestId != null) {
            headers.add(REQUEST_ID_HEADER, requestId.getBytes(StandardCharsets.UTF_8));
        }
        if (tenantId != null) {
            headers.add(TENANT_ID_HEADER, tenantId.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(512)) {
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                body.write(g);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a change message", e); // in memory: never happens
        }
    }

    /** A tree as Jackson's ObjectMapper writes it (numbers as their nodes hold them; null for an absent node). */
    static void node(JsonGenerator g, JsonNode n) throws IOException {
        if (n == null || n.isNull() || n.isMissingNode()) {
            g.writeNull();
        } else if (n.isObject()) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                g.writeFieldName(field.getKey());
                node(g, field.getValue());
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode item : n) {
                node(g, item);
            }
            g.writeEndArray();
        } else if (n.isTextual()) {
            g.writeString(n.textValue());
        } else if (n.isBoolean()) {
            g.writeBoolean(n.booleanValue());
        } else if (n.isNumber()) {
            number(g, n);
        } else {
            g.writeString(n.asText()); // binary and POJO nodes: not produced by RowJson or the log's jsonb
        }
    }

    private static void number(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.numberType()) {
            case INT -> g.writeNumber(n.intValue());
            case LONG -> g.writeNumber(n.longValue());
            case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
            case FLOAT -> g.writeNumber(n.floatValue());
            case DOUBLE -> g.writeNumber(n.doubleValue());
            // As to_jsonb writes them: 0.000000000001, never 1E-12, and all digits of any scale (Jackson's
            // WRITE_BIGDECIMAL_AS_PLAIN refuses scales beyond 9,999; PostgreSQL's numeric goes to 16,383).
            case BIG_DECIMAL -> g.writeNumber(n.decimalValue().toPlainString());
            default -> g.writeString(n.asText());
        }
    }
}

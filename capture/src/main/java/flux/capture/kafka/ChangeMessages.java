package flux.capture.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.verify.CrossCheck;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka records of the contract. Table topics: key = primary key JSON ({@code {"id":42}}),
 * value = {@code {op, schema, table, row_id, before, after, request_id, txid, lsn, ts_ms, source}},
 * header {@code flux-request-id}; with a tenant, also {@code tenant_id} in the value and the header
 * {@code flux-tenant-id}. {@code flux.rolled_back}: key = {@code {schema, table, row_id}}
 * (per-row order), value = the same fields from the attempt's record plus {@code status},
 * {@code error} and {@code mutation_id}; {@code lsn} is the record's, {@code before/after} its old/new.
 */
public final class ChangeMessages {
    public static final String REQUEST_ID_HEADER = "flux-request-id";
    public static final String TENANT_ID_HEADER = "flux-tenant-id";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChangeMessages() {
    }

    public static ProducerRecord<byte[], byte[]> change(CrossCheck.Outgoing out, long txid8) {
        WalChange c = out.change();
        ObjectNode value = NODES.objectNode();
        value.put("op", c.operation().name());
        value.put("schema", c.schema());
        value.put("table", c.table());
        value.put("row_id", c.rowId());
        value.set("before", c.before());
        value.set("after", c.after());
        value.put("request_id", out.requestId());
        value.put("txid", txid8);
        value.put("lsn", c.lsn());
        value.put("ts_ms", c.tsMs());
        value.put("source", out.source());
        if (out.tenantId() != null) {
            value.put("tenant_id", out.tenantId());
        }
        return record(TopicNames.forTable(c.schema(), c.table()), bytes(c.key()), bytes(value), out.requestId(),
                out.tenantId());
    }

    public static ProducerRecord<byte[], byte[]> rolledBack(WalMutationRecord r, long tsMs) {
        ObjectNode key = NODES.objectNode();
        key.put("schema", r.tableSchema());
        key.put("table", r.tableName());
        key.put("row_id", r.rowId());
        ObjectNode value = NODES.objectNode();
        value.put("op", r.operation().name());
        value.put("schema", r.tableSchema());
        value.put("table", r.tableName());
        value.put("row_id", r.rowId());
        value.set("before", r.oldImage());
        value.set("after", r.newImage());
        value.put("request_id", r.requestId());
        if (r.txid() == null) {
            value.putNull("txid");
        } else {
            value.put("txid", r.txid());
        }
        value.put("lsn", r.lsn());
        value.put("ts_ms", tsMs);
        value.put("source", r.source());
        value.put("status", r.status());
        value.put("error", r.error());
        value.put("mutation_id", r.id());
        if (r.tenantId() != null) {
            value.put("tenant_id", r.tenantId());
        }
        return record(TopicNames.ROLLED_BACK, bytes(key), bytes(value), r.requestId(), r.tenantId());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, String requestId,
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

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a change message", e); // trees always serialize
        }
    }
}

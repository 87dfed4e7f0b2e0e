package flux.capture.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * SourceRecords shaped as Debezium's PostgreSQL connector emits them with capture's settings
 * ({@code provide.transaction.metadata}, {@code include.unknown.datatypes}): BEGIN and END on
 * {@code <prefix>.transaction}, change envelopes (before, after, source with txId and lsn, op), the
 * mutation log's publication columns (txid as its text bytes), heartbeats and logical messages.
 * Rows are of {@code public.accounts (id bigint PRIMARY KEY, owner text)}. Each record gets the
 * next LSN, in its source and its offset.
 */
public final class DebeziumRecords {
    public static final String TABLE = "accounts";

    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("flux.public.accounts.Value").optional()
            .field("id", Schema.INT64_SCHEMA).field("owner", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().name("flux.public.accounts.Key")
            .field("id", Schema.INT64_SCHEMA).build();
    private static final Schema LOG_ROW = SchemaBuilder.struct().name("flux.flux.state_mutations.Value").optional()
            .field("id", Schema.INT64_SCHEMA).field("request_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("txid", Schema.OPTIONAL_BYTES_SCHEMA).field("table_schema", Schema.STRING_SCHEMA)
            .field("table_name", Schema.STRING_SCHEMA).field("row_id", Schema.STRING_SCHEMA)
            .field("operation", Schema.STRING_SCHEMA).field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA).field("source", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema LOG_KEY = SchemaBuilder.struct().name("flux.flux.state_mutations.Key")
            .field("id", Schema.INT64_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct()
            .name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema HEARTBEAT = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema MESSAGE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.MessageValue")
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("source", SOURCE).build();
    private static final long COMMIT_TS_MS = 1_795_316_480_005L;

    private final String prefix;
    private long lsn = 0x1B9A000;

    /** @param prefix the connector's topic.prefix (capture's slot name) */
    public DebeziumRecords(String prefix) {
        this.prefix = prefix;
    }

    /** A transaction that wrote one row with raw SQL: BEGIN, the insert, END. */
    public List<SourceRecord> rawInsert(long xid, long id) {
        return List.of(begin(xid), insert(xid, id, "owner-" + id), end(xid));
    }

    /** A transaction of the Data Engine: BEGIN, the insert, its mutation record, END. */
    public List<SourceRecord> apiInsert(long xid, long id, String requestId, long mutationId) {
        return List.of(begin(xid), insert(xid, id, "owner-" + id),
                logRecord(xid, mutationId, requestId, id, "INSERT", "committed", "api"), end(xid));
    }

    public SourceRecord begin(long xid) {
        return transactionMarker("BEGIN", xid);
    }

    public SourceRecord end(long xid) {
        return transactionMarker("END", xid);
    }

    public SourceRecord insert(long xid, long id, String owner) {
        return change(xid, "c", null, row(id, owner));
    }

    public SourceRecord update(long xid, long id, String ownerBefore, String ownerAfter) {
        return change(xid, "u", row(id, ownerBefore), row(id, ownerAfter));
    }

    public SourceRecord delete(long xid, long id, String owner) {
        return change(xid, "d", row(id, owner), null);
    }

    /**
     * An UPDATE of the primary key, as Debezium sends it: a DELETE of the old key carrying the new key
     * in header {@code __debezium.newkey}, then an INSERT of the new key carrying
     * {@code __debezium.oldkey}.
     */
    public List<SourceRecord> keyChange(long xid, long oldId, long newId, String owner) {
        SourceRecord delete = change(xid, "d", row(oldId, owner), null);
        delete.headers().add("__debezium.newkey", new Struct(KEY).put("id", newId), KEY);
        SourceRecord insert = change(xid, "c", null, row(newId, owner));
        insert.headers().add("__debezium.oldkey", new Struct(KEY).put("id", oldId), KEY);
        return List.of(delete, insert);
    }

    /** A TRUNCATE of the table in transaction {@code xid} ({@code op = t}: no images, no key). */
    public SourceRecord truncate(long xid) {
        long at = lsn++;
        Schema envelope = SchemaBuilder.struct().name(prefix + ".public." + TABLE + ".Envelope")
                .field("before", ROW).field("after", ROW).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct value = new Struct(envelope).put("source", source("public", TABLE, xid, at)).put("op", "t")
                .put("ts_ms", COMMIT_TS_MS + 3);
        return new SourceRecord(partition(), offset(at, xid), prefix + ".public." + TABLE, null, null, null, envelope,
                value);
    }

    /** A row inserted into flux.state_mutations in transaction {@code xid} (its txid column says the same). */
    public SourceRecord logRecord(long xid, long mutationId, String requestId, long rowId, String operation,
                                  String status, String source) {
        return envelope("flux", "state_mutations", xid, "c", LOG_ROW, null,
                logRow(xid, mutationId, requestId, rowId, operation, status, source),
                new Struct(LOG_KEY).put("id", mutationId));
    }

    /** A mutation record deleted (retention) in transaction {@code xid}. */
    public SourceRecord logDelete(long xid, long mutationId) {
        return envelope("flux", "state_mutations", xid, "d", LOG_ROW,
                logRow(xid - 1, mutationId, "req-old", 1, "INSERT", "committed", "api"), null,
                new Struct(LOG_KEY).put("id", mutationId));
    }

    private static Struct logRow(long xid, long mutationId, String requestId, long rowId, String operation,
                                 String status, String source) {
        return new Struct(LOG_ROW).put("id", mutationId).put("request_id", requestId)
                .put("txid", ByteBuffer.wrap(Long.toString(xid).getBytes(StandardCharsets.UTF_8)))
                .put("table_schema", "public").put("table_name", TABLE).put("row_id", Long.toString(rowId))
                .put("operation", operation).put("status", status).put("source", source);
    }

    /** A logical message in a transaction ({@code op = m}): not a row change. */
    public SourceRecord message(long xid) {
        long at = lsn++;
        Struct value = new Struct(MESSAGE).put("op", "m").put("ts_ms", COMMIT_TS_MS)
                .put("source", source("", "", xid, at));
        return new SourceRecord(partition(), offset(at, xid), prefix + ".message", null, null, MESSAGE, value);
    }

    /** Debezium's heartbeat: on its own topic, outside any transaction. */
    public SourceRecord heartbeat() {
        long at = lsn++;
        return new SourceRecord(partition(), offset(at, null), "__debezium-heartbeat." + prefix, null, null,
                HEARTBEAT, new Struct(HEARTBEAT).put("ts_ms", COMMIT_TS_MS));
    }

    /** Every record of these transactions, in order. */
    @SafeVarargs
    public static List<SourceRecord> concat(List<SourceRecord>... parts) {
        List<SourceRecord> all = new ArrayList<>();
        for (List<SourceRecord> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private SourceRecord transactionMarker(String status, long xid) {
        long at = lsn++;
        Struct value = new Struct(TRANSACTION).put("status", status).put("id", xid + ":" + at)
                .put("ts_ms", COMMIT_TS_MS);
        return new SourceRecord(partition(), offset(at, xid), prefix + ".transaction", null, null, TRANSACTION,
                value);
    }

    private static Struct row(long id, String owner) {
        return new Struct(ROW).put("id", id).put("owner", owner);
    }

    private SourceRecord change(long xid, String op, Struct before, Struct after) {
        long id = (before != null ? before : after).getInt64("id");
        return envelope("public", TABLE, xid, op, ROW, before, after, new Struct(KEY).put("id", id));
    }

    private SourceRecord envelope(String schema, String table, long xid, String op, Schema rowSchema, Struct before,
                                  Struct after, Struct key) {
        long at = lsn++;
        Schema envelope = SchemaBuilder.struct().name(prefix + "." + schema + "." + table + ".Envelope")
                .field("before", rowSchema).field("after", rowSchema).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct value = new Struct(envelope).put("before", before).put("after", after)
                .put("source", source(schema, table, xid, at)).put("op", op).put("ts_ms", COMMIT_TS_MS + 3);
        return new SourceRecord(partition(), offset(at, xid), prefix + "." + schema + "." + table, null,
                key.schema(), key, envelope, value);
    }

    private Struct source(String schema, String table, long xid, long at) {
        return new Struct(SOURCE).put("version", "3.6.3.Final").put("connector", "postgresql").put("name", prefix)
                .put("ts_ms", COMMIT_TS_MS).put("db", "flux").put("schema", schema).put("table", table)
                .put("txId", xid).put("lsn", at);
    }

    private Map<String, ?> partition() {
        return Map.of("server", prefix);
    }

    private static Map<String, ?> offset(long at, Long xid) {
        return xid == null ? Map.of("lsn", at) : Map.of("lsn", at, "txId", xid);
    }
}

package flux.capture.wal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Groups Debezium's records into committed transactions. The connector runs with
 * {@code provide.transaction.metadata=true}: each transaction arrives as BEGIN, its changes in
 * WAL order, END (pgoutput sends only committed transactions, never interleaved). Records of
 * other kinds (heartbeats, logical messages) belong to no transaction. Not thread-safe: one
 * streaming thread feeds it.
 *
 * <p>It also keeps the highest mutation record id streamed so far (every record of the log, any
 * source or status, in stream order), the place in commit order of each change it assembles
 * ({@link WalChange#placedAfter}): pgoutput sends a transaction at its commit, so every record
 * committed before a change was streamed before it, and every record taken after that change
 * committed has a higher id (mutation-log.sql, "Commit order").
 */
public final class TransactionAssembler {
    public static final String MUTATION_SCHEMA = "flux";
    public static final String MUTATION_TABLE = "state_mutations";

    private final String transactionTopic;
    private Open open;
    /** The highest record id streamed, and its value at the end of the last whole transaction. */
    private long highestRecord;
    private long highestAtLastEnd;

    /**
     * @param topicPrefix  the connector's {@code topic.prefix}
     * @param streamedUpTo the highest record id streamed before the first record this assembler
     *                     will see (where streaming resumes)
     */
    public TransactionAssembler(String topicPrefix, long streamedUpTo) {
        this.transactionTopic = topicPrefix + ".transaction";
        this.highestRecord = streamedUpTo;
        this.highestAtLastEnd = streamedUpTo;
    }

    /**
     * The highest record id streamed up to the end of the last whole transaction: what must be
     * known, with the offset after that transaction, for streaming to resume there.
     */
    public long streamedUpTo() {
        return highestAtLastEnd;
    }

    /** True between a BEGIN and its END: records seen since are not yet part of a whole transaction. */
    public boolean inTransaction() {
        return open != null;
    }

    /** Feeds one record; returns the transaction it completed, or null. */
    public WalTransaction accept(SourceRecord record) {
        if (!(record.value() instanceof Struct)) {
            return null; // tombstones are off; nothing else comes without a value
        }
        Struct value = (Struct) record.value();
        if (transactionTopic.equals(record.topic())) {
            String status = value.getString("status");
            if ("BEGIN".equals(status)) {
                open = new Open();
                return null;
            }
            if ("END".equals(status)) {
                Open done = open;
                open = null;
                highestAtLastEnd = highestRecord;
                if (done != null && record.sourceOffset() != null
                        && record.sourceOffset().get("lsn") instanceof Number commit) {
                    done.commitLsn = commit.longValue();
                }
                return done == null || done.xid < 0 ? null : done.complete();
            }
            return null;
        }
        if (value.schema().field("op") == null || value.schema().field("source") == null
                || !Operation.isChange(value.getString("op"))) {
            return null; // heartbeat, logical message (op m)
        }
        boolean standalone = open == null; // defensive: a change outside BEGIN/END is its own transaction
        Open tx = standalone ? new Open() : open;
        add(tx, value, record.key() instanceof Struct ? (Struct) record.key() : null,
                record.headers().lastWithName(NEW_KEY_HEADER) != null);
        if (standalone) {
            highestAtLastEnd = highestRecord;
            return tx.complete();
        }
        return null;
    }

    /**
     * Debezium sends an UPDATE of the primary key as a DELETE of the old key, carrying this header,
     * followed by an INSERT of the new key ({@code __debezium.oldkey}), both in the transaction.
     */
    static final String NEW_KEY_HEADER = "__debezium.newkey";

    private void add(Open tx, Struct envelope, Struct keyStruct, boolean keyChangeStarts) {
        Struct source = envelope.getStruct("source");
        long lsn = longOr(source, "lsn", -1);
        tx.commitLsn = Math.max(tx.commitLsn, lsn);
        tx.xid = longOr(source, "txId", tx.xid);
        tx.tsMs = longOr(source, "ts_ms", tx.tsMs);
        tx.tsUs = longOr(source, "ts_us", tx.tsMs * 1000);
        String schema = source.getString("schema");
        String table = source.getString("table");
        Operation op = Operation.fromDebezium(envelope.getString("op"));
        if (MUTATION_SCHEMA.equals(schema) && MUTATION_TABLE.equals(table)) {
            if (op == Operation.INSERT) { // updates and deletes of the log (retention) are not mutations
                WalMutationRecord r = mutationRecord(envelope.getStruct("after"), lsn);
                highestRecord = Math.max(highestRecord, r.id());
                tx.records.add(r);
            }
            return;
        }
        if (op == Operation.TRUNCATE) {
            tx.changes.add(new WalChange(schema, table, op, RowJson.NODES.objectNode(), "", null, null, lsn, tx.xid,
                    tx.tsMs, highestRecord, null));
            return;
        }
        ObjectNode before = RowJson.toTree(envelope.getStruct("before"));
        ObjectNode after = RowJson.toTree(envelope.getStruct("after"), before);
        ObjectNode key = keyStruct == null ? RowJson.NODES.objectNode() : RowJson.toTree(keyStruct);
        WalChange change = new WalChange(schema, table, op, key, RowIds.of(key), before, after, lsn, tx.xid, tx.tsMs,
                highestRecord, null);
        if (keyChangeStarts && op == Operation.DELETE) {
            tx.keyChangeFrom = change;
            return;
        }
        WalChange from = tx.keyChangeFrom;
        tx.keyChangeFrom = null;
        if (from != null && op == Operation.INSERT && from.table().equals(table) && from.schema().equals(schema)) {
            // the key change is one UPDATE, placed where its first half was
            change = new WalChange(schema, table, Operation.UPDATE, key, change.rowId(), from.before(), after, lsn,
                    tx.xid, tx.tsMs, from.placedAfter(), from.key());
        } else if (from != null) {
            tx.changes.add(from); // not followed by its INSERT: keep what the WAL said
        }
        tx.changes.add(change);
    }

    private static final class Open {
        long xid = -1;
        long tsMs;
        long tsUs;
        /** Until the END: the highest change LSN, which is below the commit's. */
        long commitLsn = -1;
        /** The DELETE half of a key change, until its INSERT half arrives. */
        WalChange keyChangeFrom;
        final List<WalChange> changes = new ArrayList<>();
        final List<WalMutationRecord> records = new ArrayList<>();

        WalTransaction complete() {
            if (keyChangeFrom != null) {
                changes.add(keyChangeFrom);
                keyChangeFrom = null;
            }
            Instant committedAt = Instant.ofEpochSecond(Math.floorDiv(tsUs, 1_000_000L),
                    Math.floorMod(tsUs, 1_000_000L) * 1000L);
            return new WalTransaction(xid, tsMs, committedAt, List.copyOf(changes), List.copyOf(records),
                    commitLsn);
        }
    }

    private static WalMutationRecord mutationRecord(Struct row, long lsn) {
        return new WalMutationRecord(
                row.getInt64("id"),
                row.getString("request_id"),
                xid8(row),
                row.getString("table_schema"),
                row.getString("table_name"),
                row.getString("row_id"),
                Operation.valueOf(row.getString("operation")),
                null, // images and error are not published (Publication): RecordImages reads them
                null,
                row.getString("status"),
                null,
                row.getString("tenant_id"),
                row.getString("source"),
                lsn);
    }

    /** xid8 has no Debezium mapping; with include.unknown.datatypes it arrives as its text bytes. */
    private static Long xid8(Struct row) {
        Field field = row.schema().field("txid");
        Object v = field == null ? null : row.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Number) {
            return ((Number) v).longValue();
        }
        String text = v instanceof ByteBuffer ? StandardCharsets.UTF_8.decode(((ByteBuffer) v).duplicate()).toString()
                : v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : v.toString();
        try {
            return Long.parseUnsignedLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long longOr(Struct struct, String field, long fallback) {
        if (struct.schema().field(field) == null) {
            return fallback;
        }
        Object v = struct.get(field);
        return v instanceof Number ? ((Number) v).longValue() : fallback;
    }
}

package flux.capture.wal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row change of a tracked table, as decoded from the WAL.
 *
 * @param key    primary key as JSON (column to value), the Kafka key
 * @param rowId  primary key as text, in the mutation log's {@code row_id} form (see {@link RowIds})
 * @param before the row before (UPDATE, DELETE; REPLICA IDENTITY FULL), null for INSERT
 * @param after  the row after (INSERT, UPDATE), null for DELETE
 * @param lsn    LSN of this change (not unique on its own: consumers dedupe on lsn, table and row_id)
 * @param xid    32-bit transaction id as Debezium reports it
 * @param tsMs   commit time, epoch milliseconds
 * @param placedAfter the highest mutation record id streamed before this change (earlier records of
 *                    its own transaction included): its place in commit order, should capture record
 *                    it ({@code placed_after}, mutation-log.sql)
 * @param oldKey an UPDATE that changed the primary key: the key before (Debezium sends such an update
 *               as a DELETE of the old key and an INSERT of the new one, which capture joins again);
 *               null otherwise. A TRUNCATE has an empty key and row id, and no images.
 */
public record WalChange(String schema, String table, Operation operation, ObjectNode key, String rowId,
                        ObjectNode before, ObjectNode after, long lsn, long xid, long tsMs, long placedAfter,
                        ObjectNode oldKey) {

    /** The old key's row_id, for an UPDATE that changed the key; else null. */
    public String oldRowId() {
        return oldKey == null ? null : RowIds.of(oldKey);
    }

    public String qualifiedName() {
        return schema + "." + table;
    }
}

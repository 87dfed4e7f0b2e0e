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
 */
public record WalChange(String schema, String table, Operation operation, ObjectNode key, String rowId,
                        ObjectNode before, ObjectNode after, long lsn, long xid, long tsMs, long placedAfter) {

    public String qualifiedName() {
        return schema + "." + table;
    }
}

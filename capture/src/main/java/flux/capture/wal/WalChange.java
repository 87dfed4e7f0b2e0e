package flux.capture.wal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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

    /**
     * Whether Debezium delivered this row change without a usable key (TRUNCATE has none by nature): it
     * found no primary key in the catalog under the change's table name, or the key of another table that
     * took the name since, whose columns this change's image lacks or holds null in (a primary key column
     * is never null); see {@code JournalKeys}.
     */
    public boolean keyless() {
        if (operation == Operation.TRUNCATE) {
            return false;
        }
        if (key.isEmpty()) {
            return true;
        }
        ObjectNode image = keyImage();
        for (Iterator<Map.Entry<String, JsonNode>> fields = key.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = image == null ? null : image.get(field.getKey());
            if (field.getValue().isNull() || value == null || value.isNull()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The image the change's key is read from: after an INSERT or UPDATE, before a DELETE.
     */
    public ObjectNode keyImage() {
        return operation == Operation.DELETE ? before : after;
    }

    /**
     * This change keyed by these columns, read from its image (the before image's key becomes
     * {@link #oldKey} where an UPDATE changed it, as Debezium's key change would); null when the image
     * lacks one of them or holds a null in it.
     */
    public WalChange keyedBy(List<String> keyColumns) {
        ObjectNode newKey = keyOf(keyImage(), keyColumns);
        if (newKey == null) {
            return null;
        }
        ObjectNode oldKeyNow = null;
        if (operation == Operation.UPDATE) {
            ObjectNode was = keyOf(before, keyColumns);
            oldKeyNow = was == null || was.equals(newKey) ? null : was;
        }
        return new WalChange(schema, table, operation, newKey, RowIds.of(newKey), before, after, lsn, xid, tsMs,
                placedAfter, oldKeyNow);
    }

    private static ObjectNode keyOf(ObjectNode image, List<String> keyColumns) {
        if (image == null || keyColumns.isEmpty()) {
            return null;
        }
        ObjectNode key = RowJson.NODES.objectNode();
        for (String column : keyColumns) {
            JsonNode value = image.get(column);
            if (value == null || value.isNull()) {
                return null; // a primary key column is never null: not this table's key
            }
            key.set(column, value);
        }
        return key;
    }

    /** The old key's row_id, for an UPDATE that changed the key; else null. */
    public String oldRowId() {
        return oldKey == null ? null : RowIds.of(oldKey);
    }

    public String qualifiedName() {
        return schema + "." + table;
    }
}

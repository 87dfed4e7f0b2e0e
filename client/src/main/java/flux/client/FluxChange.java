package flux.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change of one row (or, for {@code TRUNCATE}, of a whole table) from a table topic
 * {@code flux.<schema>.<table>}.
 *
 * @param op             what happened
 * @param schema         the table's schema
 * @param table          the table
 * @param rowId          the primary key as text ({@code "42"}; composite keys {@code ["acme","7"]}); the new key
 *                       after a key change; {@code ""} for TRUNCATE
 * @param oldRowId       for an UPDATE that changed the key, the key before it; else null
 * @param oldKey         the same as the message key's JSON ({@code {"id": 42}}); else null. A consumer that
 *                       keeps rows by key removes it when it applies the change
 * @param key            the message key (the primary key as JSON); null for TRUNCATE
 * @param before         the row before (null for INSERT, READ, TRUNCATE)
 * @param after          the row after (null for DELETE, TRUNCATE)
 * @param requestId      the request that made it; {@code wal:<txid>} for raw SQL; null for a snapshot's READ
 * @param txid           the writing transaction's xid8; null for a snapshot's READ
 * @param lsn            the change's WAL position; null for a snapshot's READ
 * @param commitLsn      the transaction's commit LSN, the same for all its changes; null for READ (and on
 *                       messages of a Flux that predates it)
 * @param txPosition     0-based position of the change among all messages of its transaction; null as commitLsn
 * @param tsMs           commit time (for READ: when the row was read), epoch milliseconds
 * @param source         {@code api}, {@code wal}, {@code console} or {@code snapshot}
 * @param tenant         the tenant (header {@code flux-tenant-id}, else the value's {@code tenant_id}); null without
 * @param idempotencyKey header {@code flux-idempotency-key} ({@code <commit_lsn>:<tx_position>}); null when absent
 * @param snapshotId     the snapshot that published a READ; else null
 */
public record FluxChange(Op op, String schema, String table, String rowId, String oldRowId, JsonNode oldKey,
                         JsonNode key, JsonNode before, JsonNode after, String requestId, Long txid, Long lsn,
                         Long commitLsn, Long txPosition, long tsMs, String source, String tenant,
                         String idempotencyKey, String snapshotId) implements FluxMessage {

    /**
     * What a consumer dedupes on: the idempotency key when the message has one, else
     * {@code lsn/schema.table/row_id} (docs/capture.md, "Delivery guarantees": {@code lsn} alone is not unique).
     * A snapshot's READ has neither: its key is {@code snapshot/<id>/schema.table/row_id}.
     */
    public String dedupeKey() {
        if (idempotencyKey != null) {
            return idempotencyKey;
        }
        if (lsn == null) {
            return "snapshot/" + snapshotId + "/" + schema + "." + table + "/" + rowId;
        }
        return lsn + "/" + schema + "." + table + "/" + rowId;
    }

    /** The row as it is after the change: {@code after}, or null when the change removed it. */
    public JsonNode row() {
        return after;
    }

    /** True for an UPDATE that moved the row to another primary key ({@link #oldKey()} names the old one). */
    public boolean keyChanged() {
        return oldKey != null;
    }
}

package flux.log;

import java.time.Instant;
import java.util.List;

/**
 * One stored row of {@code flux.state_mutations}, typed; every column as docs/contracts.md
 * defines it. Read by {@link RowRecords} and {@link RequestRecords}.
 *
 * <p>Images are JSON text as PostgreSQL renders {@code jsonb}, not parsed trees: this module
 * carries them between PostgreSQL and its readers, who parse them their own way (history orders
 * an image's columns as the table does) or not at all. Null where the record has none:
 * {@code oldImage} for an INSERT, {@code newImage} for a DELETE; {@code changedColumns} except
 * for an UPDATE; {@code error} except for a rolled-back attempt; {@code txid} for an attempt
 * whose transaction failed before it had one; {@code tenantId} without a tenant; {@code placedAfter}
 * for the engine's records (only capture places records, {@link OrderKey}); {@code oldRowId} except
 * for an UPDATE that changed the row's primary key (it names the key before, {@code rowId} the key
 * after). {@code createdAt} is the commit time of a record capture added, else when the engine
 * wrote it. A TRUNCATE record is table-level: its {@code rowId} is empty.
 */
public record MutationRecord(long id, String requestId, TxId txid, String tableSchema, String tableName,
                             String rowId, Operation operation, String oldImage, String newImage,
                             List<String> changedColumns, Status status, String error, String tenantId,
                             Source source, Instant createdAt, Long placedAfter, String oldRowId) {

    /** The record's place in its row's history. */
    public OrderKey orderKey() {
        return OrderKey.of(placedAfter, id);
    }

    /** Whether this is an UPDATE that moved the row from key {@link #oldRowId} to {@link #rowId}. */
    public boolean changedKey() {
        return oldRowId != null;
    }
}

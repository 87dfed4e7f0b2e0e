package flux.history;

import flux.log.MutationRecord;
import java.util.List;

/** Mutation records as history shows them ({@link HistoryEntry}). */
final class HistoryEntries {
    private HistoryEntries() {
    }

    /**
     * The entry of {@code record}; its images' columns in the order of {@code columns} (the
     * table's); {@code withRow} adds table and row id (entries of many rows).
     */
    static HistoryEntry of(MutationRecord record, List<String> columns, boolean withRow) {
        String table = withRow ? new TableRef(record.tableSchema(), record.tableName()).display() : null;
        String rowId = withRow || record.changedKey() ? record.rowId() : null;
        return new HistoryEntry(table, rowId, record.oldRowId(), record.id(), record.createdAt().toString(),
                record.operation().name(), record.requestId(), record.status().stored(), record.source().stored(),
                Images.parse(record.oldImage(), columns), Images.parse(record.newImage(), columns),
                record.changedColumns(), record.error(), record.tenantId());
    }
}

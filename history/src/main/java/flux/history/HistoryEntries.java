package flux.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.MutationRecord;
import java.util.List;
import java.util.Map;

/** Mutation records as history shows them ({@link HistoryEntry}). */
final class HistoryEntries {
    private HistoryEntries() {
    }

    /**
     * The entry of {@code record}: its images' columns under their names now and in the table's order
     * ({@code shape}; null for a table history cannot describe, whose images stay as stored);
     * {@code withRow} adds table and row id (entries of many rows).
     */
    static HistoryEntry of(MutationRecord record, TableShape shape, boolean withRow) {
        String table = withRow ? new TableRef(record.tableSchema(), record.tableName()).display() : null;
        TableLineage lineage = shape == null ? TableLineage.NONE : shape.lineage();
        List<String> columns = shape == null ? List.of() : shape.columns();
        ObjectNode old = Images.parse(record.oldImage(), List.of());
        ObjectNode after = Images.parse(record.newImage(), List.of());
        Map<String, String> renamed = lineage.renamedSince(after != null ? after : old, record.createdAt());
        String rowId = withRow || record.changedKey() ? record.rowId() : null;
        return new HistoryEntry(table, rowId, record.oldRowId(), record.id(), record.createdAt().toString(),
                record.operation().name(), record.requestId(), record.status().stored(), record.source().stored(),
                Images.ordered(lineage.namesNow(old, record.createdAt()), columns),
                Images.ordered(lineage.namesNow(after, record.createdAt()), columns),
                lineage.namesNow(record.changedColumns(), record.createdAt()), renamed.isEmpty() ? null : renamed,
                record.error(),
                record.tenantId());
    }
}

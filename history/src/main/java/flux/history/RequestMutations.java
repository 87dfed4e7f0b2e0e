package flux.history;

import flux.log.MutationRecord;
import flux.log.RequestRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What one request wrote or tried to write, oldest first, in pages ({@link RequestRecords}). */
final class RequestMutations {
    private RequestMutations() {
    }

    /** @param tenantId null for every tenant's records */
    static RequestPage page(Connection c, String requestId, String tenantId, int limit, String cursor)
            throws SQLException {
        if (requestId == null || requestId.isBlank()) {
            throw new HistoryException.InvalidArgument("a request id is required");
        }
        long after = new PageRequest(false, limit, cursor, null, null).cursorId();
        Map<TableRef, TableShape> shapes = new HashMap<>();
        List<HistoryEntry> entries = new ArrayList<>();
        for (MutationRecord record : RequestRecords.page(c, requestId, tenantId, after, limit + 1)) {
            TableRef table = new TableRef(record.tableSchema(), record.tableName());
            if (!shapes.containsKey(table)) {
                shapes.put(table, TableCatalog.find(c, table));
            }
            TableShape shape = shapes.get(table);
            entries.add(HistoryEntries.of(record, shape == null ? List.of() : shape.columns(), true));
        }
        if (entries.isEmpty() && cursor == null) {
            throw new HistoryException.UnknownRequest(requestId);
        }
        String next = null;
        if (entries.size() > limit) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        return new RequestPage(requestId, next, List.copyOf(entries));
    }
}

package flux.history;

import flux.log.MutationRecord;
import flux.log.RowFilter;
import flux.log.RowRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of one row's history in id order. Each page is one keyset range scan of the log's row
 * index ({@link RowRecords#page}): it reads {@code limit + 1} index entries wherever the page
 * lies, so its cost does not depend on how long the history is. A time range first becomes an
 * id range with two probes of the time index (rows are written one transaction at a time, so a
 * row's records grow in time as in id); the time bounds are then still applied exactly.
 */
final class RowHistory {
    private RowHistory() {
    }

    static HistoryPage page(Connection c, TableShape shape, RowFilter row, PageRequest request) throws SQLException {
        TableRef table = shape.table();
        String rowId = row.rowId();
        long cursor = request.cursorId();
        long low = request.newestFirst() ? 0L : cursor;
        long high = request.newestFirst() ? cursor : Long.MAX_VALUE;
        if (request.from() != null) {
            Long first = RowRecords.firstIdFrom(c, row, request.from());
            low = first == null ? Long.MAX_VALUE : Math.max(low, first - 1);
        }
        if (request.to() != null) {
            Long last = RowRecords.lastIdBefore(c, row, request.to());
            high = last == null ? 0L : Math.min(high, last + 1);
        }
        List<HistoryEntry> entries = new ArrayList<>();
        if (low < high) {
            for (MutationRecord record : RowRecords.page(c, row, low, high, request.from(), request.to(),
                    request.newestFirst(), request.limit() + 1)) {
                entries.add(HistoryEntries.of(record, shape.columns(), false));
            }
        }
        String next = null;
        if (entries.size() > request.limit()) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        if (entries.isEmpty() && !RowRecords.exists(c, row)) {
            throw new HistoryException.UnknownRow(table, rowId);
        }
        return new HistoryPage(table.display(), rowId, shape.keyColumns(), next, List.copyOf(entries));
    }
}

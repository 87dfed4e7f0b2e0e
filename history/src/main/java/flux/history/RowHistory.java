package flux.history;

import flux.log.MutationRecord;
import flux.log.OrderKey;
import flux.log.RowFilter;
import flux.log.RowRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of one row's history in commit order ({@link OrderKey}), whatever wrote each entry: the
 * engine, capture for raw SQL, a key change away from the row, a TRUNCATE of its table. Each page
 * is one statement of keyset range scans of the log's row indexes ({@link RowRecords#page}): it
 * reads {@code limit + 1} index entries wherever the page lies, so its cost does not depend on how
 * long the history is. A time range first becomes a range of places with two probes of the time
 * index (a row's committed entries grow in time as in commit order, mutation-log.sql); the time
 * bounds are then still applied exactly.
 */
final class RowHistory {
    private RowHistory() {
    }

    static HistoryPage page(Connection c, TableShape shape, RowFilter row, PageRequest request) throws SQLException {
        TableRef table = shape.table();
        String rowId = row.rowId();
        OrderKey cursor = request.cursorKey();
        OrderKey low = request.newestFirst() ? OrderKey.FIRST : cursor;
        OrderKey high = request.newestFirst() ? cursor : OrderKey.LAST;
        if (request.from() != null) {
            OrderKey first = RowRecords.firstFrom(c, row, request.from());
            low = first == null ? OrderKey.LAST : max(low, just(first, -1));
        }
        if (request.to() != null) {
            OrderKey last = RowRecords.lastBefore(c, row, request.to());
            high = last == null ? OrderKey.FIRST : min(high, just(last, 1));
        }
        List<MutationRecord> records = low.compareTo(high) >= 0 ? List.of()
                : RowRecords.page(c, row, low, high, request.from(), request.to(), request.newestFirst(),
                        request.limit() + 1);
        String next = null;
        if (records.size() > request.limit()) {
            records = records.subList(0, request.limit());
            next = records.get(records.size() - 1).orderKey().toString();
        }
        List<HistoryEntry> entries = new ArrayList<>(records.size());
        for (MutationRecord record : records) {
            entries.add(HistoryEntries.of(record, shape.columns(), false));
        }
        if (entries.isEmpty() && !RowRecords.exists(c, row)) {
            throw new HistoryException.UnknownRow(table, rowId);
        }
        return new HistoryPage(table.display(), rowId, shape.keyColumns(), next, List.copyOf(entries));
    }

    /** The place just before ({@code -1}) or just after ({@code 1}) {@code key}: bounds are exclusive. */
    private static OrderKey just(OrderKey key, int direction) {
        return new OrderKey(key.position(), key.id() + direction);
    }

    private static OrderKey max(OrderKey a, OrderKey b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static OrderKey min(OrderKey a, OrderKey b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

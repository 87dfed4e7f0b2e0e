package flux.history;

import flux.log.MutationRecord;
import flux.log.RowFilter;
import flux.log.RowRecords;
import flux.log.SchemaChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pages of one row's history in id order. Each page is one keyset range scan of the log's row
 * index ({@link RowRecords#page}): it reads {@code limit + 1} index entries wherever the page
 * lies, so its cost does not depend on how long the history is. A time range first becomes an
 * id range with two probes of the time index (rows are written one transaction at a time, so a
 * row's records grow in time as in id); the time bounds are then still applied exactly.
 *
 * <p>A table that was renamed has records under each name it had ({@link TableLineage#names}): a
 * page reads {@code limit + 1} under each and keeps the first {@code limit + 1} of them in id order,
 * so the cost grows with the number of renames, not with the history.
 */
final class RowHistory {
    private RowHistory() {
    }

    /** @param tenantId null for a reader of every tenant's records */
    static HistoryPage page(Connection c, TableShape shape, String rowId, String tenantId, PageRequest request)
            throws SQLException {
        TableRef table = shape.table();
        List<MutationRecord> records = new ArrayList<>();
        List<RowFilter> rows = new ArrayList<>();
        for (TableLineage.NameSpan span : shape.lineage().names(table)) {
            RowFilter row = new RowFilter(span.table().schema(), span.table().name(), rowId, tenantId);
            rows.add(row);
            records.addAll(records(c, row, request, earliest(request.to(), span.until())));
        }
        Comparator<MutationRecord> byId = Comparator.comparingLong(MutationRecord::id);
        records.sort(request.newestFirst() ? byId.reversed() : byId);
        List<HistoryEntry> entries = new ArrayList<>();
        for (MutationRecord record : records.subList(0, Math.min(records.size(), request.limit() + 1))) {
            entries.add(HistoryEntries.of(record, shape, false));
        }
        String next = null;
        if (entries.size() > request.limit()) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        if (entries.isEmpty() && !exists(c, rows)) {
            throw new HistoryException.UnknownRow(table, rowId);
        }
        boolean holdsNewest = request.to() == null && (request.newestFirst() ? request.cursor() == null : next == null);
        return new HistoryPage(table.display(), rowId, shape.keyColumns(), shape.dropped(), next, List.copyOf(entries),
                schemaChanges(shape, entries, holdsNewest));
    }

    /** Up to {@code limit + 1} of the row's records under one name, in page order, before {@code to}. */
    private static List<MutationRecord> records(Connection c, RowFilter row, PageRequest request, Instant to)
            throws SQLException {
        long cursor = request.cursorId();
        long low = request.newestFirst() ? 0L : cursor;
        long high = request.newestFirst() ? cursor : Long.MAX_VALUE;
        if (request.from() != null) {
            Long first = RowRecords.firstIdFrom(c, row, request.from());
            low = first == null ? Long.MAX_VALUE : Math.max(low, first - 1);
        }
        if (to != null) {
            Long last = RowRecords.lastIdBefore(c, row, to);
            high = last == null ? 0L : Math.min(high, last + 1);
        }
        if (low >= high) {
            return List.of();
        }
        return RowRecords.page(c, row, low, high, request.from(), to, request.newestFirst(), request.limit() + 1);
    }

    private static boolean exists(Connection c, List<RowFilter> rows) throws SQLException {
        for (RowFilter row : rows) {
            if (RowRecords.exists(c, row)) {
                return true;
            }
        }
        return false;
    }

    /** The table's changes between the page's oldest and newest entries (or until now, for the newest page). */
    private static List<SchemaEvent> schemaChanges(TableShape shape, List<HistoryEntry> entries, boolean holdsNewest) {
        if (entries.isEmpty() || shape.lineage().changes().isEmpty()) {
            return List.of();
        }
        Instant oldest = null;
        Instant newest = null;
        for (HistoryEntry e : entries) {
            Instant at = Instant.parse(e.at());
            oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
            newest = newest == null || at.isAfter(newest) ? at : newest;
        }
        List<SchemaEvent> events = new ArrayList<>();
        for (SchemaChange ch : shape.lineage().between(oldest, holdsNewest ? null : newest)) {
            events.add(SchemaEvent.of(ch));
        }
        return events;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }
}

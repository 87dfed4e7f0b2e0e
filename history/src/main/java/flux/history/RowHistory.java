package flux.history;

import flux.log.MutationRecord;
import flux.log.OrderKey;
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
 * Pages of one row's history in commit order ({@link OrderKey}), whatever wrote each entry: the
 * engine, capture for raw SQL, a key change away from the row, a TRUNCATE of its table. Each page
 * is one statement of keyset range scans of the log's row indexes ({@link RowRecords#page}): it
 * reads {@code limit + 1} index entries wherever the page lies, so its cost does not depend on how
 * long the history is. A time range first becomes a range of places with two probes of the time
 * index (a row's committed entries grow in time as in commit order, mutation-log.sql); the time
 * bounds are then still applied exactly.
 *
 * <p>A table that was renamed has records under each name it had ({@link TableLineage#names}): the
 * same statement runs under each name (once for a table never renamed), and the page keeps the
 * first {@code limit + 1} of them in commit order (places are the log's, so they compare across
 * names), so the cost grows with the number of renames, not with the history.
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
        Comparator<MutationRecord> inOrder = Comparator.comparing(MutationRecord::orderKey);
        records.sort(request.newestFirst() ? inOrder.reversed() : inOrder);
        String next = null;
        if (records.size() > request.limit()) {
            records = records.subList(0, request.limit());
            next = records.get(records.size() - 1).orderKey().toString();
        }
        List<HistoryEntry> entries = new ArrayList<>(records.size());
        for (MutationRecord record : records) {
            entries.add(HistoryEntries.of(record, shape, false));
        }
        if (entries.isEmpty() && !exists(c, rows)) {
            throw new HistoryException.UnknownRow(table, rowId);
        }
        boolean holdsNewest = request.to() == null && (request.newestFirst() ? request.cursor() == null : next == null);
        return new HistoryPage(table.display(), rowId, shape.keyColumns(), shape.dropped(), next, List.copyOf(entries),
                schemaChanges(shape, entries, holdsNewest));
    }

    /** Up to {@code limit + 1} of the row's timeline under one name, in page order, before {@code to}. */
    private static List<MutationRecord> records(Connection c, RowFilter row, PageRequest request, Instant to)
            throws SQLException {
        OrderKey cursor = request.cursorKey();
        OrderKey low = request.newestFirst() ? OrderKey.FIRST : cursor;
        OrderKey high = request.newestFirst() ? cursor : OrderKey.LAST;
        if (request.from() != null) {
            OrderKey first = RowRecords.firstFrom(c, row, request.from());
            low = first == null ? OrderKey.LAST : max(low, just(first, -1));
        }
        if (to != null) {
            OrderKey last = RowRecords.lastBefore(c, row, to);
            high = last == null ? OrderKey.FIRST : min(high, just(last, 1));
        }
        if (low.compareTo(high) >= 0) {
            return List.of();
        }
        // The time window is in the key bounds now (a row's times grow in commit order): a page
        // without created_at conditions keeps PostgreSQL's generic plan on the row's order index.
        return RowRecords.page(c, row, low, high, null, null, request.newestFirst(), request.limit() + 1);
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

package flux.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of one row's history in id order. Each page is one keyset range scan of
 * {@code state_mutations_row_idx (table_schema, table_name, row_id, id)}: it reads
 * {@code limit + 1} index entries wherever the page lies, so its cost does not depend on how
 * long the history is. A time range first becomes an id range with two probes of the time
 * index (rows are written one transaction at a time, so a row's records grow in time as in
 * id); the time bounds are then still applied exactly.
 */
final class RowHistory {
    /** %1$s: the {@link RowFilter}; %2$s: the order. */
    private static final String PAGE = "SELECT " + EntryReader.COLUMNS + """
             FROM flux.state_mutations
            WHERE %1$s
              AND id > ? AND id < ? AND created_at >= ? AND created_at < ?
            ORDER BY id %2$s
            LIMIT ?
            """;
    /** First record at or after a time (ids below it are out of range). */
    private static final String FIRST_ID_FROM = """
            SELECT id FROM flux.state_mutations
            WHERE %s AND created_at >= ?
            ORDER BY created_at, id LIMIT 1
            """;
    /** Last record before a time (ids above it are out of range). */
    private static final String LAST_ID_BEFORE = """
            SELECT id FROM flux.state_mutations
            WHERE %s AND created_at < ?
            ORDER BY created_at DESC, id DESC LIMIT 1
            """;
    private static final String ANY_RECORD = """
            SELECT 1 FROM flux.state_mutations WHERE %s LIMIT 1
            """;
    /** Bounds for "no bound" that keep one statement text (and one cached plan) per order. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);

    private RowHistory() {
    }

    static HistoryPage page(Connection c, TableShape shape, RowFilter row, PageRequest request) throws SQLException {
        TableRef table = shape.table();
        String rowId = row.rowId();
        long cursor = request.cursorId();
        long low = request.newestFirst() ? 0L : cursor;
        long high = request.newestFirst() ? cursor : Long.MAX_VALUE;
        if (request.from() != null) {
            Long first = probe(c, FIRST_ID_FROM, row, request.from());
            low = first == null ? Long.MAX_VALUE : Math.max(low, first - 1);
        }
        if (request.to() != null) {
            Long last = probe(c, LAST_ID_BEFORE, row, request.to());
            high = last == null ? 0L : Math.min(high, last + 1);
        }
        List<HistoryEntry> entries = new ArrayList<>();
        if (low < high) {
            try (PreparedStatement ps = c.prepareStatement(PAGE.formatted(row.sql(),
                    request.newestFirst() ? "DESC" : "ASC"))) {
                int i = row.bind(ps, 1);
                ps.setLong(i, low);
                ps.setLong(i + 1, high);
                ps.setObject(i + 2, request.from() == null ? EARLIEST : utc(request.from()));
                ps.setObject(i + 3, request.to() == null ? LATEST : utc(request.to()));
                ps.setInt(i + 4, request.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(EntryReader.read(rs, shape.columns(), false));
                    }
                }
            }
        }
        String next = null;
        if (entries.size() > request.limit()) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        if (entries.isEmpty() && !exists(c, row)) {
            throw new HistoryException.UnknownRow(table, rowId);
        }
        return new HistoryPage(table.display(), rowId, shape.keyColumns(), next, List.copyOf(entries));
    }

    static boolean exists(Connection c, RowFilter row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ANY_RECORD.formatted(row.sql()))) {
            row.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Long probe(Connection c, String sql, RowFilter row, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.formatted(row.sql()))) {
            ps.setObject(row.bind(ps, 1), utc(at));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}

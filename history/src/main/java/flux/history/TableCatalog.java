package flux.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a table's shape from pg_catalog (one indexed catalog lookup): it validates the name
 * the user gave and orders image columns as the table does. Known tables are remembered for
 * {@link #TTL_NANOS}, saving a round trip per question; unknown names are always looked up,
 * so a new table is found at once. A column added or a table dropped within the TTL only
 * orders image keys differently or reaches the log a moment longer. Thread-safe.
 */
final class TableCatalog {
    static final long TTL_NANOS = 5_000_000_000L;
    private static final String SHAPE = """
            SELECT a.attname, array_position(i.indkey::int2[], a.attnum) AS key_position
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            ORDER BY a.attnum
            """;

    private final Map<TableRef, Cached> known = new ConcurrentHashMap<>();

    private record Cached(TableShape shape, long at) {
    }

    /** The shape of a table users name, remembered for a few seconds; unknown tables fail. */
    TableShape shape(Connection c, TableRef table) throws SQLException {
        Cached cached = known.get(table);
        long now = System.nanoTime();
        if (cached != null && now - cached.at < TTL_NANOS) {
            return cached.shape;
        }
        TableShape shape = find(c, table);
        if (shape == null) {
            known.remove(table);
            throw new HistoryException.UnknownTable(table);
        }
        known.put(table, new Cached(shape, now));
        return shape;
    }

    /** The table's shape, or null when pg_catalog has no such table (e.g. dropped since). */
    static TableShape find(Connection c, TableRef table) throws SQLException {
        List<String> columns = new ArrayList<>();
        TreeMap<Integer, String> keys = new TreeMap<>();
        boolean found = false;
        try (PreparedStatement ps = c.prepareStatement(SHAPE)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found = true;
                    String column = rs.getString("attname");
                    if (column == null) {
                        continue;
                    }
                    columns.add(column);
                    int position = rs.getInt("key_position");
                    if (!rs.wasNull()) {
                        keys.put(position, column);
                    }
                }
            }
        }
        return !found ? null : new TableShape(table, List.copyOf(columns), List.copyOf(keys.values()));
    }
}

package flux.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a table's shape from pg_catalog, once per question (one indexed catalog lookup):
 * it validates the name the user gave and orders image columns as the table does.
 */
final class TableCatalog {
    private static final String SHAPE = """
            SELECT a.attname, array_position(i.indkey::int2[], a.attnum) AS key_position
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            ORDER BY a.attnum
            """;

    private TableCatalog() {
    }

    static TableShape shape(Connection c, TableRef table) throws SQLException {
        TableShape shape = find(c, table);
        if (shape == null) {
            throw new HistoryException.UnknownTable(table);
        }
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
                    String column = rs.getString(1);
                    if (column == null) {
                        continue;
                    }
                    columns.add(column);
                    int position = rs.getInt(2);
                    if (!rs.wasNull()) {
                        keys.put(position, column);
                    }
                }
            }
        }
        return !found ? null : new TableShape(table, List.copyOf(columns), List.copyOf(keys.values()));
    }
}

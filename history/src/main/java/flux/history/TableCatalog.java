package flux.history;

import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import flux.log.TableRecords;
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
 * Reads a table's shape from pg_catalog (one indexed catalog lookup): it validates the name the
 * user gave and orders image columns as the table does; and its schema changes from the journal
 * ({@link TableLineage}). A name pg_catalog does not know is looked up in the journal (a table renamed
 * since is found under its new name; a dropped one keeps the shape it had) and then in the log (a
 * table dropped before the journal knew it: records are still readable, its columns unknown). Known
 * tables are remembered for {@link #TTL_NANOS}, saving round trips per question; unknown names are
 * always looked up, so a new table is found at once. A column added or a table renamed within the TTL
 * only orders image keys differently or shows a rename a moment later. Thread-safe.
 */
final class TableCatalog {
    static final long TTL_NANOS = 5_000_000_000L;
    private static final String SHAPE = """
            SELECT c.oid AS table_oid, a.attname, array_position(i.indkey::int2[], a.attnum) AS key_position
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
            shape = formerly(c, table);
        }
        if (shape == null) {
            known.remove(table);
            throw new HistoryException.UnknownTable(table);
        }
        known.put(table, new Cached(shape, now));
        return shape;
    }

    /** The table's shape as pg_catalog has it, with its journaled changes; null when it has no such table. */
    static TableShape find(Connection c, TableRef table) throws SQLException {
        List<String> columns = new ArrayList<>();
        TreeMap<Integer, String> keys = new TreeMap<>();
        Long oid = null;
        try (PreparedStatement ps = c.prepareStatement(SHAPE)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oid = rs.getLong("table_oid");
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
        return oid == null ? null : new TableShape(table, List.copyOf(columns), List.copyOf(keys.values()), false,
                TableLineage.read(c, oid));
    }

    /**
     * A table {@code table} named once: renamed since (its shape now, under its new name), dropped (its
     * shape when it was dropped), or unknown to the journal but still in the log; null otherwise.
     */
    private static TableShape formerly(Connection c, TableRef table) throws SQLException {
        Long oid = SchemaJournal.tableOid(c, table.schema(), table.name());
        if (oid == null) {
            return TableRecords.any(c, table.schema(), table.name())
                    ? new TableShape(table, List.of(), List.of(), true, TableLineage.NONE) : null;
        }
        TableLineage lineage = TableLineage.read(c, oid);
        List<SchemaChange> changes = lineage.changes();
        SchemaChange last = changes.get(changes.size() - 1);
        TableRef latest = new TableRef(last.tableSchema(), last.tableName());
        List<String> dropped = lineage.columnsAtDrop();
        if (dropped != null) {
            return new TableShape(latest, dropped, last.keyColumns(), true, lineage);
        }
        return latest.equals(table) ? null : find(c, latest);
    }
}

package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads of the log by table alone: whether a table (gone from pg_catalog, say) has any record, and
 * which rows have records in a time window.
 */
public final class TableRecords {
    /** A probe of the row index's leading columns. */
    private static final String ANY = "SELECT 1 FROM flux.state_mutations WHERE table_schema = ? AND table_name = ? LIMIT 1";

    /**
     * Row ids with a record in {@code (from, to]}, after a row id, in row id order: a walk of the
     * time index {@code (table_schema, table_name, row_id, created_at)} from the cursor, the window a
     * condition on the index entries (not a seek), so a page costs the index entries of the rows it
     * passes, changed or not. TRUNCATE's table-level records (row id '') are not rows.
     */
    private static final String ROWS_IN_WINDOW = """
            SELECT DISTINCT m.row_id FROM flux.state_mutations m
             WHERE m.table_schema = ? AND m.table_name = ? AND m.row_id > ? AND m.created_at > ? AND m.created_at <= ?:tenant
             ORDER BY m.row_id LIMIT ?
            """;
    private static final String ROWS_IN_WINDOW_OF_ALL = ROWS_IN_WINDOW.replace(":tenant", "");
    private static final String ROWS_IN_WINDOW_OF_TENANT = ROWS_IN_WINDOW.replace(":tenant", " AND m.tenant_id = ?");

    private TableRecords() {
    }

    /** Up to {@code limit} row ids above {@code afterRowId} ('' for the first page) with a record in {@code (from, to]}. */
    public static java.util.List<String> rowsChanged(Connection c, String tableSchema, String tableName, String tenantId,
                                                     java.time.Instant from, java.time.Instant to, String afterRowId,
                                                     int limit) {
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? ROWS_IN_WINDOW_OF_ALL : ROWS_IN_WINDOW_OF_TENANT)) {
            int i = 1;
            ps.setString(i++, tableSchema);
            ps.setString(i++, tableName);
            ps.setString(i++, afterRowId);
            ps.setObject(i++, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
            ps.setObject(i++, java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC));
            if (tenantId != null) {
                ps.setString(i++, tenantId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString("row_id"));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return rows;
    }

    public static boolean any(Connection c, String tableSchema, String tableName) {
        try (PreparedStatement ps = c.prepareStatement(ANY)) {
            ps.setString(1, tableSchema);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }
}

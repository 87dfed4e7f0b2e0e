package flux.history;

import flux.log.TenantHistory;
import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Forgets the blame summaries ({@code flux.row_blame}) of rows whose history is being deleted from
 * the log, as a tenant's purge does ({@link TenantHistory#purge}). A summary holds references to
 * records, not values, but it names the row, and once the records are gone it points at nothing.
 * Removing one is always safe: a row without a summary is blamed from all its records
 * ({@link BlameRead}).
 */
public final class BlameRemoval {
    private static final String FORGET = """
            DELETE FROM flux.row_blame b USING unnest(?::text[], ?::text[], ?::text[]) AS r(table_schema, table_name, row_id)
             WHERE b.table_schema = r.table_schema AND b.table_name = r.table_name AND b.row_id = r.row_id""";

    /** History's schema is installed by the server ({@link HistorySchema}); a database only the CLI used has none. */
    private static final String INSTALLED = "SELECT to_regclass('flux.row_blame') IS NOT NULL AS installed";

    private BlameRemoval() {
    }

    /**
     * Deletes the summaries of {@code rows}, in the caller's transaction, which deletes their records
     * too. It waits for the folder's lock ({@link LockKeys#BLAME_FOLDER}) and holds it to the end:
     * a fold that read the records before they were deleted commits its summary first (and this
     * deletes it), and no fold runs until the deletion is committed, so none writes a summary back.
     */
    public static int forget(Connection c, List<TenantHistory.LoggedRow> rows) throws SQLException {
        if (rows.isEmpty() || !installed(c)) {
            return 0;
        }
        LockKeys.BLAME_FOLDER.lockForTransaction(c);
        String[] schemas = new String[rows.size()];
        String[] tables = new String[rows.size()];
        String[] ids = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            schemas[i] = rows.get(i).tableSchema();
            tables[i] = rows.get(i).tableName();
            ids[i] = rows.get(i).rowId();
        }
        try (PreparedStatement ps = c.prepareStatement(FORGET)) {
            ps.setArray(1, c.createArrayOf("text", schemas));
            ps.setArray(2, c.createArrayOf("text", tables));
            ps.setArray(3, c.createArrayOf("text", ids));
            return ps.executeUpdate();
        }
    }

    private static boolean installed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSTALLED); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean("installed");
        }
    }
}

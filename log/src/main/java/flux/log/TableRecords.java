package flux.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads of the log by table alone: whether a table (gone from pg_catalog, say) has any record. */
public final class TableRecords {
    /** A probe of the row index's leading columns. */
    private static final String ANY = "SELECT 1 FROM flux.state_mutations WHERE table_schema = ? AND table_name = ? LIMIT 1";

    private TableRecords() {
    }

    public static boolean any(Connection c, String tableSchema, String tableName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ANY)) {
            ps.setString(1, tableSchema);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

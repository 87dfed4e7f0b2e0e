package flux.history;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The WHERE condition naming one row's records, narrowed to a tenant when the reader has one:
 * a tenant's reader sees only the records its own requests (or capture, for its rows) wrote,
 * so another tenant's row has no history at all for it (404), never its entries.
 *
 * @param tenantId null for a reader without a tenant (every record)
 */
record RowFilter(TableRef table, String rowId, String tenantId) {
    private static final String ROW = "table_schema = ? AND table_name = ? AND row_id = ?";
    private static final String ROW_OF_TENANT = ROW + " AND tenant_id = ?";

    /** The condition's SQL; two fixed texts, so each keeps one cached plan. */
    String sql() {
        return tenantId == null ? ROW : ROW_OF_TENANT;
    }

    /** Binds the condition from parameter {@code first}; returns the next parameter's index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, table.schema());
        ps.setString(first + 1, table.name());
        ps.setString(first + 2, rowId);
        if (tenantId == null) {
            return first + 3;
        }
        ps.setString(first + 3, tenantId);
        return first + 4;
    }
}

package flux.log;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One row's records, narrowed to a tenant when the reader has one: a tenant's reader sees only
 * the records its own requests (or capture, for its rows) wrote, so another tenant's row has no
 * records at all for it, never a part of them.
 *
 * @param rowId    the row's {@code row_id} (docs/contracts.md)
 * @param tenantId null for a reader of every tenant's records
 */
public record RowFilter(String tableSchema, String tableName, String rowId, String tenantId) {
    static final String ROW = "table_schema = ? AND table_name = ? AND row_id = ?";
    static final String ROW_OF_TENANT = ROW + " AND tenant_id = ?";

    /** Binds the condition from parameter {@code first}; returns the next parameter's index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, tableSchema);
        ps.setString(first + 1, tableName);
        ps.setString(first + 2, rowId);
        if (tenantId == null) {
            return first + 3;
        }
        ps.setString(first + 3, tenantId);
        return first + 4;
    }

    /**
     * A statement over one row's records in its two fixed texts, for every tenant's reader and
     * for one tenant's: each text keeps one cached plan.
     */
    record Statement(String ofAll, String ofTenant) {
        /** {@code before}, the row condition, {@code after}. */
        static Statement of(String before, String after) {
            return new Statement(before + ROW + after, before + ROW_OF_TENANT + after);
        }

        String text(RowFilter row) {
            return row.tenantId() == null ? ofAll : ofTenant;
        }
    }
}

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

    /** Binds a row condition ({@code schema, table, row id[, tenant]}) from {@code first}; returns the next index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, tableSchema);
        ps.setString(first + 1, tableName);
        ps.setString(first + 2, rowId);
        return bindTenant(ps, first + 3);
    }

    /** Binds a table condition ({@code schema, table[, tenant]}) from {@code first}; returns the next index. */
    int bindTable(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, tableSchema);
        ps.setString(first + 1, tableName);
        return bindTenant(ps, first + 2);
    }

    /** Binds {@link RowTimeline}'s existence check of the row before a TRUNCATE; returns the next index. */
    int bindExisted(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, rowId);
        int next = bindTenant(ps, first + 1);
        ps.setString(next, rowId);
        return next + 1;
    }

    private int bindTenant(PreparedStatement ps, int at) throws SQLException {
        if (tenantId == null) {
            return at;
        }
        ps.setString(at, tenantId);
        return at + 1;
    }
}

package flux.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A row as it was at a moment, from the log alone: every committed record carries the whole
 * row after the write (docs/contracts.md), so the state at time T is the after image of the
 * row's last committed record at or before T. One backward probe of
 * {@code state_mutations_row_time_idx}; it steps over rolled-back attempts only.
 */
final class RowAsOf {
    private static final String LAST_COMMITTED = """
            SELECT id, created_at, request_id, operation, new
            FROM flux.state_mutations
            WHERE %s AND created_at <= ? AND status = 'committed'
            ORDER BY created_at DESC, id DESC
            LIMIT 1
            """;

    private RowAsOf() {
    }

    static RowSnapshot at(Connection c, TableShape shape, RowFilter row, Instant time) throws SQLException {
        TableRef table = shape.table();
        String rowId = row.rowId();
        try (PreparedStatement ps = c.prepareStatement(LAST_COMMITTED.formatted(row.sql()))) {
            ps.setObject(row.bind(ps, 1), RowHistory.utc(time));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    if (!RowHistory.exists(c, row)) {
                        throw new HistoryException.UnknownRow(table, rowId);
                    }
                    return new RowSnapshot(table.display(), rowId, time.toString(), false, null, null);
                }
                String operation = rs.getString(4);
                ObjectNode image = "DELETE".equals(operation) ? null : Images.parse(rs.getString(5), shape.columns());
                RowSnapshot.Mutation mutation = new RowSnapshot.Mutation(rs.getLong(1), operation, rs.getString(3),
                        rs.getObject(2, OffsetDateTime.class).toInstant().toString());
                return new RowSnapshot(table.display(), rowId, time.toString(), image != null, image, mutation);
            }
        }
    }
}

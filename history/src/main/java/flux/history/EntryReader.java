package flux.history;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** Reads {@link HistoryEntry}s from result sets that select {@link #COLUMNS} first. */
final class EntryReader {
    static final String COLUMNS = "id, created_at, operation, request_id, status, source, old, new,"
            + " changed_columns, error, table_schema, table_name, row_id, tenant_id";

    private EntryReader() {
    }

    /** The entry at the cursor; {@code withRow} adds table and row id (entries of many rows). */
    static HistoryEntry read(ResultSet rs, List<String> columns, boolean withRow) throws SQLException {
        OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
        Array changed = rs.getArray(9);
        List<String> changedColumns = changed == null ? null : Arrays.asList((String[]) changed.getArray());
        String table = withRow ? new TableRef(rs.getString(11), rs.getString(12)).display() : null;
        return new HistoryEntry(table, withRow ? rs.getString(13) : null,
                rs.getLong(1), at.toInstant().toString(), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), Images.parse(rs.getString(7), columns), Images.parse(rs.getString(8), columns),
                changedColumns == null ? null : List.copyOf(changedColumns), rs.getString(10), rs.getString(14));
    }
}

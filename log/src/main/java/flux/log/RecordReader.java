package flux.log;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@link MutationRecord}s from a result set that selects {@link #COLUMNS}, by column name.
 * The names are looked up once per result set, not once per value: pages of history read many
 * rows, and a lookup by name per value would cost a map probe each.
 */
final class RecordReader {
    /** Every column of the log, as the readers select them. */
    static final String COLUMNS = "id, request_id, txid, table_schema, table_name, row_id, operation, old, new,"
            + " changed_columns, status, error, tenant_id, source, created_at, placed_after, old_row_id";

    private final ResultSet rs;
    private final int id;
    private final int requestId;
    private final int txid;
    private final int tableSchema;
    private final int tableName;
    private final int rowId;
    private final int operation;
    private final int oldImage;
    private final int newImage;
    private final int changedColumns;
    private final int status;
    private final int error;
    private final int tenantId;
    private final int source;
    private final int createdAt;
    private final int placedAfter;
    private final int oldRowId;

    RecordReader(ResultSet rs) throws SQLException {
        this.rs = rs;
        this.id = rs.findColumn("id");
        this.requestId = rs.findColumn("request_id");
        this.txid = rs.findColumn("txid");
        this.tableSchema = rs.findColumn("table_schema");
        this.tableName = rs.findColumn("table_name");
        this.rowId = rs.findColumn("row_id");
        this.operation = rs.findColumn("operation");
        this.oldImage = rs.findColumn("old");
        this.newImage = rs.findColumn("new");
        this.changedColumns = rs.findColumn("changed_columns");
        this.status = rs.findColumn("status");
        this.error = rs.findColumn("error");
        this.tenantId = rs.findColumn("tenant_id");
        this.source = rs.findColumn("source");
        this.createdAt = rs.findColumn("created_at");
        this.placedAfter = rs.findColumn("placed_after");
        this.oldRowId = rs.findColumn("old_row_id");
    }

    /** The record at the result set's cursor. */
    MutationRecord read() throws SQLException {
        Array changed = rs.getArray(changedColumns);
        List<String> columns = changed == null ? null : List.copyOf(Arrays.asList((String[]) changed.getArray()));
        return new MutationRecord(rs.getLong(id), rs.getString(requestId), TxId.parse(rs.getString(txid)),
                rs.getString(tableSchema), rs.getString(tableName), rs.getString(rowId),
                Operation.of(rs.getString(operation)), rs.getString(oldImage), rs.getString(newImage), columns,
                Status.of(rs.getString(status)), rs.getString(error), rs.getString(tenantId),
                Source.of(rs.getString(source)), rs.getObject(createdAt, OffsetDateTime.class).toInstant(),
                (Long) rs.getObject(placedAfter), rs.getString(oldRowId));
    }
}

package flux.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * A tenant's whole history, out of the log and back in: what a per-tenant backup holds and a
 * restore puts back ({@code flux.console.backup}, docs/tenant-backup.md). Records travel as JSON
 * objects with every column of the log but {@code id} and {@code placed_after} (a restored record
 * gets a new id, and the ids a place names are the old log's), in commit order.
 */
public final class TenantHistory {
    private static final String COUNT = "SELECT count(*) AS records FROM flux.state_mutations WHERE tenant_id = ?";
    /** In commit order (mutation-log.sql), so that the restore's new ids, taken in the file's order, keep it. */
    private static final String EXPORT = """
            SELECT to_jsonb(m) - 'id' - 'placed_after' AS record FROM flux.state_mutations m
             WHERE tenant_id = ? ORDER BY coalesce(placed_after, id), id""";
    /*
     * A record is there already when one of the tenant's has the same request, row, operation
     * and time: restoring a file twice, or over history the log still has, adds nothing twice.
     * Records of the backed-up tenant's schema move to the schema restored into. Restored records
     * are placed by their new ids (placed_after null), taken in the file's order (ORDER BY
     * ordinality: the identity default is evaluated after it), which is commit order: after every
     * record the log already has.
     */
    private static final String RESTORE = """
            INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, old, new,
                                              changed_columns, status, error, tenant_id, source, created_at, old_row_id,
                                              undoes)
            SELECT r.request_id, r.txid, CASE WHEN r.table_schema = ? THEN ? ELSE r.table_schema END, r.table_name,
                   r.row_id, r.operation, r.old, r.new, r.changed_columns, r.status, r.error, ?, r.source, r.created_at,
                   r.old_row_id, r.undoes
              FROM jsonb_populate_recordset(NULL::flux.state_mutations, ?::jsonb) WITH ORDINALITY r
             WHERE NOT EXISTS (SELECT 1 FROM flux.state_mutations m
                                WHERE m.request_id = r.request_id AND m.table_name = r.table_name
                                  AND m.row_id = r.row_id AND m.operation = r.operation
                                  AND m.created_at = r.created_at AND m.tenant_id = ?)
             ORDER BY r.ordinality""";

    private TenantHistory() {
    }

    /** How many records the tenant's history has. */
    public static long count(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong("records");
            }
        }
    }

    /**
     * Hands each of the tenant's records to {@code each}, oldest first, as JSON text, fetched
     * {@code fetchSize} at a time (the connection must be in a transaction for that to stream).
     */
    public static void export(Connection c, String tenantId, int fetchSize, Consumer<String> each) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXPORT)) {
            ps.setFetchSize(fetchSize);
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(rs.getString("record"));
                }
            }
        }
    }

    /**
     * Adds the records of {@code records} (a JSON array of what {@link #export} gave) that the
     * tenant's history lacks, as the tenant's, those of schema {@code fromSchema} moved to
     * {@code toSchema}; returns how many it added.
     */
    public static int restore(Connection c, String tenantId, String fromSchema, String toSchema, String records)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESTORE)) {
            ps.setString(1, fromSchema);
            ps.setString(2, toSchema);
            ps.setString(3, tenantId);
            ps.setString(4, records);
            ps.setString(5, tenantId);
            return ps.executeUpdate();
        }
    }
}

package flux.log;

import flux.pg.DatabaseException;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A tenant's whole history, out of the log and back in: what a per-tenant backup holds and a
 * restore puts back ({@code flux.console.backup}, docs/tenant-backup.md). Records travel as JSON
 * objects with every column of the log but {@code id} and {@code placed_after} (a restored record
 * gets a new id, and the ids a place names are the old log's), in commit order. And out for good:
 * {@link #purge}, when a deleted tenant is purged.
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

    /*
     * A record of the file whose operation, status or source is none of the log's (the log's value
     * checks are not enforced on PostgreSQL 18, mutation-log.sql: a file is the one writer whose
     * values do not come from the enums, so they are checked here).
     */
    private static final String FIRST_INVALID = """
            SELECT r.operation, r.status, r.source FROM jsonb_populate_recordset(NULL::flux.state_mutations, ?::jsonb) r
             WHERE NOT (r.operation = ANY (?) AND r.status = ANY (?) AND r.source = ANY (?)) LIMIT 1""";

    /*
     * The next batch of the tenant's records after a record id, deleted: the primary key's order,
     * so each batch is the next id range of the tenant's and the walk reads the log once. The
     * DELETEs reach capture through the WAL, which ignores deletes of the log (not mutations).
     * Each deleted record's row is returned, for what is kept about rows beside the log.
     */
    private static final String PURGE_BATCH = """
            WITH batch AS (SELECT id FROM flux.state_mutations WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?)
            DELETE FROM flux.state_mutations m USING batch WHERE m.id = batch.id
            RETURNING m.id, m.table_schema, m.table_name, m.row_id""";

    /** SQLSTATE invalid_parameter_value. */
    private static final String INVALID_VALUE = "22023";

    private TenantHistory() {
    }

    /** How many records the tenant's history has. */
    public static long count(Connection c, String tenantId) {
        try (PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong("records");
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Hands each of the tenant's records to {@code each}, oldest first, as JSON text, fetched
     * {@code fetchSize} at a time (the connection must be in a transaction for that to stream).
     */
    public static void export(Connection c, String tenantId, int fetchSize, Consumer<String> each) {
        try (PreparedStatement ps = c.prepareStatement(EXPORT)) {
            ps.setFetchSize(fetchSize);
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(rs.getString("record"));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Adds the records of {@code records} (a JSON array of what {@link #export} gave) that the
     * tenant's history lacks, as the tenant's, those of schema {@code fromSchema} moved to
     * {@code toSchema}; returns how many it added.
     */
    public static int restore(Connection c, String tenantId, String fromSchema, String toSchema, String records) {
        try (PreparedStatement ps = c.prepareStatement(RESTORE)) {
            rejectUnknownValues(c, records);
            ps.setString(1, fromSchema);
            ps.setString(2, toSchema);
            ps.setString(3, tenantId);
            ps.setString(4, records);
            ps.setString(5, tenantId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static void rejectUnknownValues(Connection c, String records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIRST_INVALID)) {
            ps.setString(1, records);
            ps.setArray(2, c.createArrayOf("text", Arrays.stream(Operation.values()).map(Operation::name).toArray()));
            ps.setArray(3, c.createArrayOf("text", Arrays.stream(Status.values()).map(Status::stored).toArray()));
            ps.setArray(4, c.createArrayOf("text", Arrays.stream(Source.values()).map(Source::stored).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new SQLException("a history record of the file has operation \"" + rs.getString("operation")
                            + "\", status \"" + rs.getString("status") + "\", source \"" + rs.getString("source")
                            + "\": not a record of a Flux log", INVALID_VALUE);
                }
            }
        }
    }

    /**
     * Deletes every record of the tenant's history, {@code batchSize} at a time, each batch a
     * short transaction of its own on a connection from {@code dataSource}, which also runs
     * {@code alsoInBatch} on the rows the batch's records were about: a big tenant holds no long
     * transaction and no lock on the log beyond a batch's rows, and the engine's and capture's
     * writes go on in between. Interrupted, it has deleted whole batches only; running it again
     * deletes the rest. Returns how many records it deleted.
     */
    public static long purge(DataSource dataSource, String tenantId, int batchSize, BatchStep alsoInBatch) {
        long deleted = 0;
        long after = 0;
        while (true) {
            long from = after;
            Batch batch = Transactions.call(dataSource, c -> {
                Batch b = purgeBatch(c, tenantId, from, batchSize);
                alsoInBatch.run(c, b.rows());
                return b;
            });
            if (batch.deleted() == 0) {
                return deleted;
            }
            deleted += batch.deleted();
            after = batch.lastId();
        }
    }

    /** Deletes up to {@code limit} of the tenant's records with ids above {@code afterId}, in the caller's transaction. */
    public static Batch purgeBatch(Connection c, String tenantId, long afterId, int limit) {
        try (PreparedStatement ps = c.prepareStatement(PURGE_BATCH)) {
            ps.setString(1, tenantId);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            int deleted = 0;
            long last = afterId;
            Set<LoggedRow> rows = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted++;
                    last = Math.max(last, rs.getLong("id"));
                    rows.add(new LoggedRow(rs.getString("table_schema"), rs.getString("table_name"),
                            rs.getString("row_id")));
                }
            }
            return new Batch(deleted, last, List.copyOf(rows));
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * One batch of {@link #purgeBatch}: how many records it deleted, the highest id among them, and
     * the rows they were about (each once).
     */
    public record Batch(int deleted, long lastId, List<LoggedRow> rows) {
    }

    /** A row as the log names it. */
    public record LoggedRow(String tableSchema, String tableName, String rowId) {
    }

    /** Work done in a purge batch's transaction, on the rows whose records it deleted. */
    @FunctionalInterface
    public interface BatchStep {
        void run(Connection c, List<LoggedRow> rows) throws SQLException;
    }
}

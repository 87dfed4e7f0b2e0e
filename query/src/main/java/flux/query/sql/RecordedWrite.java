package flux.query.sql;

import flux.log.CommittedRecords;
import flux.query.catalog.Table;
import flux.query.model.Query;
import flux.query.mutation.LoggedOperation;

/**
 * The one statement that writes rows and their mutation records: the DML is the CTE
 * {@code flux_w} the log's record insert reads ({@link CommittedRecords}), and the final SELECT
 * hands the rows (and, when asked, the records) back.
 */
final class RecordedWrite {
    private RecordedWrite() {
    }

    /**
     * Wraps a DML with RETURNING (r, o, n, k, c) into the one statement that also writes the
     * mutation records: the DML is the CTE {@code flux_w} the log's record insert reads
     * ({@link CommittedRecords}); {@code c} is the changed columns in table order, so the record
     * and the answer agree on them. {@code recordCte}: the log's record insert for this write
     * ({@link CommittedRecords}). {@code locksTable}: preceded by the table lock of a write of many
     * rows ({@link WriteGate}).
     */
    static String wrap(String dml, Params params, Table table, String recordCte, boolean records, boolean locksTable) {
        params.fixedAll(CommittedRecords.params(table.schema(), table.name()));
        return (locksTable ? WriteGate.tableLock(table) : "")
                + "WITH flux_w AS (" + dml + "),\n "
                + recordCte + "\n"
                + (records ? "SELECT w.r, " + CommittedRecords.RETURNED + " FROM flux_w w" : "SELECT w.r FROM flux_w w");
    }

    /** The log's record insert for a write of the query's operation that leaves each row's key as it was. */
    static String recordCte(Query query) {
        return CommittedRecords.cte(LoggedOperation.of(query.operation()));
    }
}

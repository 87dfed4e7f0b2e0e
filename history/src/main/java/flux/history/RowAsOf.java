package flux.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.MutationRecord;
import flux.log.Operation;
import flux.log.RowFilter;
import flux.log.RowRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * A row as it was at a moment, from the log alone: every committed record carries the whole
 * row after the write (docs/contracts.md), so the state at time T is the after image of the
 * row's last committed record at or before T ({@link RowRecords#lastCommittedAt}: one backward
 * probe of the log's time index, stepping over rolled-back attempts only). A key change away from
 * the row or a TRUNCATE of its table after that record means the row was gone: then that is the
 * mutation, and the row did not exist.
 */
final class RowAsOf {
    private RowAsOf() {
    }

    static RowSnapshot at(Connection c, TableShape shape, RowFilter row, Instant time) throws SQLException {
        TableRef table = shape.table();
        String rowId = row.rowId();
        Optional<MutationRecord> last = RowRecords.lastCommittedAt(c, row, time);
        if (last.isEmpty()) {
            if (!RowRecords.exists(c, row)) {
                throw new HistoryException.UnknownRow(table, rowId);
            }
            return new RowSnapshot(table.display(), rowId, time.toString(), false, null, null);
        }
        MutationRecord record = last.get();
        boolean gone = record.operation() == Operation.DELETE || record.operation() == Operation.TRUNCATE
                || !record.rowId().equals(rowId);
        ObjectNode image = gone ? null : Images.parse(record.newImage(), shape.columns());
        RowSnapshot.Mutation mutation = new RowSnapshot.Mutation(record.id(), record.operation().name(),
                record.requestId(), record.createdAt().toString(), record.changedKey() ? record.rowId() : null);
        return new RowSnapshot(table.display(), rowId, time.toString(), image != null, image, mutation);
    }
}

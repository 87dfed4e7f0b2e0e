package flux.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.MutationRecord;
import flux.log.Operation;
import flux.log.RowFilter;
import flux.log.RowRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A row as it was at a moment, from the log alone: every committed record carries the whole
 * row after the write (docs/contracts.md), so the state at time T is the after image of the
 * row's last committed record at or before T ({@link RowRecords#lastCommittedAt}: one backward
 * probe of the log's time index, stepping over rolled-back attempts only; one per name the table
 * had). A key change away from the row or a TRUNCATE of its table after that record means the row
 * was gone: then that is the mutation, and the row did not exist. Otherwise the image is given the
 * shape the table had at T ({@link TableLineage#shapeAt}): the names columns had then, without
 * columns dropped and with columns added since the write.
 */
final class RowAsOf {
    private RowAsOf() {
    }

    /** @param tenantId null for a reader of every tenant's records */
    static RowSnapshot at(Connection c, TableShape shape, String rowId, String tenantId, Instant time)
            throws SQLException {
        TableRef table = shape.table();
        MutationRecord last = null;
        List<RowFilter> rows = new ArrayList<>();
        for (TableLineage.NameSpan span : shape.lineage().names(table)) {
            RowFilter row = new RowFilter(span.table().schema(), span.table().name(), rowId, tenantId);
            rows.add(row);
            Instant until = span.until() != null && span.until().isBefore(time) ? span.until() : time;
            Optional<MutationRecord> found = RowRecords.lastCommittedAt(c, row, until);
            if (found.isPresent() && (last == null || found.get().orderKey().isAfter(last.orderKey()))) {
                last = found.get();
            }
        }
        if (last == null) {
            for (RowFilter row : rows) {
                if (RowRecords.exists(c, row)) {
                    return new RowSnapshot(table.display(), rowId, time.toString(), false, null, null);
                }
            }
            throw new HistoryException.UnknownRow(table, rowId);
        }
        boolean gone = last.operation() == Operation.DELETE || last.operation() == Operation.TRUNCATE
                || !last.rowId().equals(rowId);
        ObjectNode image = gone ? null : Images.ordered(
                shape.lineage().shapeAt(Images.parse(last.newImage(), List.of()), last.createdAt(), time),
                shape.columns());
        RowSnapshot.Mutation mutation = new RowSnapshot.Mutation(last.id(), last.operation().name(),
                last.requestId(), last.createdAt().toString(), last.changedKey() ? last.rowId() : null);
        return new RowSnapshot(table.display(), rowId, time.toString(), image != null, image, mutation);
    }
}

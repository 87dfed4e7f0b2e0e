package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import flux.log.TableRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a table that changed between two moments, each with its net change ({@link RowDiff}:
 * a row changed and changed back is left out), in row id order, in keyset pages: {@code nextCursor}
 * is the last row id the page looked at (null on the last page). Rows written in the window are
 * found in the log's time index ({@link TableRecords#rowsChanged}); each is then read as of both
 * moments (two index probes).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "from", "to", "next_cursor", "rows"})
public record TableChanges(String table, String from, String to, @JsonProperty("next_cursor") String nextCursor,
                           List<RowDiff> rows) {

    static TableChanges read(Connection c, TableShape shape, String tenantId, Instant from, Instant to, String cursor,
                             int limit) throws SQLException {
        if (!from.isBefore(to)) {
            throw new HistoryException.InvalidArgument("from (" + from + ") must be before to (" + to + ")");
        }
        TableRef table = shape.table();
        List<TableLineage.NameSpan> names = shape.lineage().names(table);
        // One name (the usual case): the database's order, which its text comparison of the cursor
        // follows. A renamed table merges its names' rows (by Java's order of the texts).
        java.util.Collection<String> found = names.size() == 1 ? new java.util.LinkedHashSet<>() : new java.util.TreeSet<>();
        for (TableLineage.NameSpan span : names) {
            found.addAll(TableRecords.rowsChanged(c, span.table().schema(), span.table().name(), tenantId, from, to,
                    cursor == null ? "" : cursor, limit + 1));
        }
        List<String> rowIds = new ArrayList<>(found);
        String next = null;
        if (rowIds.size() > limit) {
            rowIds = rowIds.subList(0, limit);
            next = rowIds.get(limit - 1);
        }
        List<RowDiff> rows = new ArrayList<>();
        for (String rowId : rowIds) {
            RowDiff diff = RowDiff.of(RowAsOf.at(c, shape, rowId, tenantId, from), RowAsOf.at(c, shape, rowId, tenantId, to));
            if (!diff.change().equals("none")) {
                rows.add(diff);
            }
        }
        return new TableChanges(table.display(), from.toString(), to.toString(), next, List.copyOf(rows));
    }
}

package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.Operation;
import flux.log.OrderKey;
import flux.log.RowRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who last wrote each column of a row, in the row's commit order ({@link BlameRead} reads it in one
 * statement). A row ends with a DELETE, with a key change away from it ({@code moved_to}) or with
 * a TRUNCATE of its table while it existed; a later INSERT of the key starts its blame afresh.
 * A row whose key was changed into it ({@code moved_from}) keeps the blame its columns had under
 * the old key for the columns the key change did not set, when the old key was not reused since
 * (otherwise those columns name no request).
 */
final class ColumnBlame {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Key changes followed back at most this far (a chain of renames of one row). */
    private static final int MAX_KEY_CHANGES = 8;

    private ColumnBlame() {
    }

    /** @param tenantId null for a reader of every tenant's records */
    static Blame blame(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        return blame(c, shape, rowId, tenantId, 0).blame();
    }

    /** A blame and the record that ended the row (null while it exists). */
    private record Answer(Blame blame, BlameRead.Rec end) {
    }

    private static Answer blame(Connection c, TableShape shape, String rowId, String tenantId, int depth)
            throws SQLException {
        BlameRead.Read read = BlameRead.read(c, shape, rowId, tenantId);
        BlameSummary summary = read.summary();
        BlameRead.Rec latest = summary.latest() == null ? null : read.records().get(summary.latest().id());
        BlameRead.Rec end = latest == null ? null : end(c, shape, read, latest, tenantId);
        ObjectNode current = latest == null ? null : latest.operation() == Operation.DELETE ? latest.old() : latest.after();
        if (current == null) {
            current = JSON.createObjectNode();
        }
        Map<String, Blame.Line> inherited = Map.of();
        BlameRead.Rec start = start(shape, summary, read);
        if (start != null && start.oldRowId() != null && depth < MAX_KEY_CHANGES) {
            inherited = inheritedFrom(c, shape, start, tenantId, depth);
        }
        List<Blame.Line> lines = new ArrayList<>();
        for (String column : columns(shape, current, summary)) {
            OrderKey set = summary.committed().get(column);
            BlameRead.Rec setter = set == null ? null : read.records().get(set.id());
            boolean fromOldKey = start != null && inherited.containsKey(column)
                    && (setter == null || start.place().isAfter(setter.place()));
            OrderKey tried = summary.attempted().get(column);
            BlameRead.Rec attempt = tried != null && (set == null || tried.isAfter(set)) ? read.records().get(tried.id())
                    : null;
            Blame.Line old = fromOldKey ? inherited.get(column) : null;
            lines.add(new Blame.Line(column, valueOf(current, column),
                    old != null ? old.requestId() : setter == null ? null : setter.requestId(),
                    old != null ? old.at() : setter == null ? null : setter.at(),
                    attempt == null ? (old == null ? null : old.lastAttempt())
                            : new Blame.Attempt(attempt.requestId(), attempt.status().stored(), attempt.at(),
                                    valueOf(attempt.after(), column), attempt.error())));
        }
        BlameRead.Rec deletion = end != null ? end : latest != null && latest.operation() == Operation.DELETE ? latest : null;
        Blame blame = new Blame(shape.table().display(), rowId, deletion != null,
                deletion == null ? null : deletion.stamp(), end != null && end.operation() == Operation.UPDATE ? end.rowId()
                : null, inherited.isEmpty() ? null : start.oldRowId(), List.copyOf(lines));
        return new Answer(blame, end);
    }

    /**
     * What ended the row after its latest committed record, if anything: a key change away, else
     * the first TRUNCATE of its table after that record (a second probe, only for a row that was
     * truncated: later TRUNCATEs found it gone).
     */
    private static BlameRead.Rec end(Connection c, TableShape shape, BlameRead.Read read, BlameRead.Rec latest,
                                     String tenantId) throws SQLException {
        if (latest.operation() == Operation.DELETE) {
            return null;
        }
        if (read.movedAway() != null && read.movedAway().place().isAfter(latest.place())) {
            return read.movedAway();
        }
        if (read.truncated() == null || !read.truncated().place().isAfter(latest.place())) {
            return null;
        }
        return RowRecords.firstTruncateAfter(c, shape.table().schema(), shape.table().name(), tenantId, latest.place())
                .map(r -> new BlameRead.Rec(r.id(), r.orderKey(), r.rowId(), r.oldRowId(), r.createdAt().toString(),
                        r.requestId(), r.operation(), r.status(), null, null, r.error()))
                .orElse(read.truncated());
    }

    /** The record that began the row's current life (it set the key): an INSERT, or a key change into it. */
    private static BlameRead.Rec start(TableShape shape, BlameSummary summary, BlameRead.Read read) {
        if (shape.keyColumns().isEmpty()) {
            return null;
        }
        OrderKey keySet = summary.committed().get(shape.keyColumns().get(0));
        return keySet == null ? null : read.records().get(keySet.id());
    }

    /**
     * The blame lines of the key the row had before key change {@code start}, by column: only when
     * that key's life ended with this very change (not reused since), and only columns some request set.
     */
    private static Map<String, Blame.Line> inheritedFrom(Connection c, TableShape shape, BlameRead.Rec start,
                                                         String tenantId, int depth) throws SQLException {
        Answer before;
        try {
            before = blame(c, shape, start.oldRowId(), tenantId, depth + 1);
        } catch (HistoryException.UnknownRow e) {
            return Map.of(); // none of its records is the reader's
        }
        if (before.end() == null || before.end().id() != start.id()) {
            return Map.of();
        }
        Map<String, Blame.Line> lines = new HashMap<>();
        for (Blame.Line line : before.blame().columns()) {
            if (line.requestId() != null) {
                lines.put(line.column(), line);
            }
        }
        return lines;
    }

    /** The table's columns in its order, then any others the row's records name (dropped since). */
    private static Set<String> columns(TableShape shape, ObjectNode current, BlameSummary summary) {
        Set<String> columns = new LinkedHashSet<>();
        for (String column : shape.columns()) {
            if (current.has(column) || summary.committed().containsKey(column)
                    || summary.attempted().containsKey(column)) {
                columns.add(column);
            }
        }
        current.fieldNames().forEachRemaining(columns::add);
        columns.addAll(summary.committed().keySet());
        columns.addAll(summary.attempted().keySet());
        return columns;
    }

    private static JsonNode valueOf(ObjectNode image, String column) {
        JsonNode value = image == null ? null : image.get(column);
        return value == null ? NullNode.getInstance() : value;
    }
}

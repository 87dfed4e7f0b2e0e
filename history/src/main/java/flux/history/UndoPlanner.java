package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.LaterRecords;
import flux.log.MutationRecord;
import flux.log.Operation;
import flux.log.RequestRecords;
import flux.log.Status;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans the undo of one request from the log alone: the request's committed records, reversed in
 * the opposite order (a request that inserted a parent, then its child, is undone child first, so
 * foreign keys accept every step), and the later committed changes to the rows they touch
 * ({@link LaterRecords}: one statement, its cost following the request's rows and what came after
 * them). Conflicts are per column for rows the request only updated (a later change of another
 * column does not conflict), per row for rows it inserted or deleted.
 */
final class UndoPlanner {
    /** Records read per round trip while collecting a request's records. */
    private static final int PAGE = 1000;

    private UndoPlanner() {
    }

    /** @param tenantId the reader's tenant, or null for every tenant's records */
    static UndoPlan plan(Connection c, String requestIdOrPrefix, RequestIdMatch match, String tenantId, UndoForce force)
            throws SQLException {
        String requestId = RequestMutations.resolve(c, requestIdOrPrefix, match, tenantId);
        List<MutationRecord> committed = committedRecords(c, requestId, tenantId);
        committed.sort(Comparator.comparing(MutationRecord::orderKey));
        Map<RowRef, List<MutationRecord>> byRow = new LinkedHashMap<>();
        for (MutationRecord r : committed) {
            byRow.computeIfAbsent(RowRef.of(r), k -> new ArrayList<>()).add(r);
        }
        Map<TableRef, TableShape> shapes = new HashMap<>();
        List<UndoStep> steps = new ArrayList<>();
        for (int i = committed.size() - 1; i >= 0; i--) {
            MutationRecord r = committed.get(i);
            TableRef table = new TableRef(r.tableSchema(), r.tableName());
            if (!shapes.containsKey(table)) {
                shapes.put(table, TableCatalog.find(c, table));
            }
            UndoStep step = reversal(r, shapes.get(table));
            if (step != null) {
                steps.add(step);
            }
        }
        return new UndoPlan(requestId, RequestRecords.undone(c, requestId), false, null, List.copyOf(steps),
                conflicts(c, byRow, shapes, force));
    }

    private static List<MutationRecord> committedRecords(Connection c, String requestId, String tenantId)
            throws SQLException {
        List<MutationRecord> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<MutationRecord> page = RequestRecords.page(c, requestId, tenantId, after, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        List<MutationRecord> committed = new ArrayList<>();
        for (MutationRecord r : all) {
            if (r.status() != Status.COMMITTED) {
                continue;
            }
            if (r.operation() == Operation.TRUNCATE) {
                throw new HistoryException.Refused("request " + requestId + " truncated " + r.tableSchema() + "."
                        + r.tableName() + ": a TRUNCATE keeps no images of the rows it removed, so it cannot be undone");
            }
            committed.add(r);
        }
        if (committed.isEmpty()) {
            MutationRecord first = all.get(0);
            throw new HistoryException.Refused("request " + requestId + " rolled back (" + all.size()
                    + " attempted mutation" + (all.size() == 1 ? "" : "s") + ", " + first.error()
                    + "): it changed nothing, so there is nothing to undo");
        }
        return committed;
    }

    /** The write that reverses record {@code r}, or null when it changed nothing. */
    private static UndoStep reversal(MutationRecord r, TableShape shape) {
        if (shape.keyColumns().isEmpty()) {
            throw new HistoryException.Refused("table " + shape.table().display()
                    + " has no primary key now: its rows cannot be found again to undo request " + r.requestId());
        }
        ObjectNode before = namesNow(r.oldImage(), r, shape);
        ObjectNode after = namesNow(r.newImage(), r, shape);
        String table = shape.table().display();
        return switch (r.operation()) {
            case INSERT -> new UndoStep(table, r.rowId(), UndoStep.DELETE, changes(after, null, after), shape.table(),
                    key(after, shape), null);
            case DELETE -> new UndoStep(table, r.rowId(), UndoStep.INSERT, changes(before, before, null), shape.table(),
                    null, before);
            case UPDATE -> {
                List<String> changed = changedNow(r, shape).stream().filter(shape.columns()::contains).toList();
                if (changed.isEmpty()) {
                    yield null;
                }
                ObjectNode set = JsonNodeFactory.instance.objectNode();
                List<UndoStep.ColumnChange> columns = new ArrayList<>();
                for (String column : changed) {
                    set.set(column, value(before, column));
                    columns.add(new UndoStep.ColumnChange(column, value(after, column), value(before, column)));
                }
                yield new UndoStep(table, r.rowId(), UndoStep.UPDATE, List.copyOf(columns), shape.table(),
                        key(after, shape), set);
            }
            case TRUNCATE -> throw new IllegalStateException("a TRUNCATE is refused before it is planned");
        };
    }

    /**
     * An image of record {@code r} in the table's columns of now: the log keeps it under the names of
     * its moment, so a column renamed since is put back under its name now, and one dropped since is
     * left out (there is nothing to put back). Keys first, in table order.
     */
    private static ObjectNode namesNow(String image, MutationRecord r, TableShape shape) {
        ObjectNode renamed = shape.lineage().namesNow(Images.parse(image, List.of()), r.createdAt());
        if (renamed == null) {
            return null;
        }
        renamed.retain(shape.columns());
        return Images.ordered(renamed, shape.columns());
    }

    /** The columns record {@code r} changed, under their names now. */
    private static List<String> changedNow(MutationRecord r, TableShape shape) {
        List<String> changed = r.changedColumns() == null ? List.of() : r.changedColumns();
        return shape.lineage().namesNow(changed, r.createdAt());
    }

    /** Every column of {@code image}: from {@code from}'s value to {@code to}'s (null: the row is absent). */
    private static List<UndoStep.ColumnChange> changes(ObjectNode image, ObjectNode from, ObjectNode to) {
        List<UndoStep.ColumnChange> columns = new ArrayList<>();
        image.fieldNames().forEachRemaining(column -> columns.add(new UndoStep.ColumnChange(column,
                from == null ? null : value(from, column), to == null ? null : value(to, column))));
        return List.copyOf(columns);
    }

    private static ObjectNode key(ObjectNode image, TableShape shape) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        for (String column : shape.keyColumns()) {
            key.set(column, value(image, column));
        }
        return key;
    }

    private static JsonNode value(ObjectNode image, String column) {
        JsonNode v = image == null ? null : image.get(column);
        return v == null ? NullNode.getInstance() : v;
    }

    /** Later committed changes to the request's rows, each marked forced or not. */
    private static List<UndoConflict> conflicts(Connection c, Map<RowRef, List<MutationRecord>> byRow,
                                                Map<TableRef, TableShape> shapes, UndoForce force) throws SQLException {
        List<RowRef> rows = new ArrayList<>(byRow.keySet());
        List<LaterRecords.RowPlace> places = new ArrayList<>();
        for (RowRef row : rows) {
            List<MutationRecord> own = byRow.get(row);
            places.add(new LaterRecords.RowPlace(row.table().schema(), row.table().name(), row.rowId(),
                    own.get(own.size() - 1).orderKey()));
        }
        List<List<MutationRecord>> later = LaterRecords.after(c, places);
        List<UndoConflict> conflicts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            RowRef row = rows.get(i);
            TableShape shape = shapes.get(row.table());
            Set<String> touched = touchedColumns(byRow.get(row), shape);
            for (MutationRecord l : later.get(i)) {
                // Both sides under the columns' names now: a rename between them is the same column.
                ObjectNode image = shape.lineage().namesNow(Images.parse(l.newImage(), List.of()), l.createdAt());
                boolean wholeRow = touched == null || l.operation() != Operation.UPDATE || !row.rowId().equals(l.rowId());
                List<String> columns = wholeRow ? List.of(UndoConflict.WHOLE_ROW)
                        : changedNow(l, shape).stream().filter(touched::contains).toList();
                for (String column : columns) {
                    conflicts.add(new UndoConflict(row.table().display(), row.rowId(), column, l.requestId(),
                            l.source().name().toLowerCase(java.util.Locale.ROOT), l.operation().name(),
                            l.createdAt().toString(), wholeRow ? image : value(image, column),
                            force.covers(row.table(), row.rowId(), column)));
                }
            }
        }
        return List.copyOf(conflicts);
    }

    /** The columns the request's records of one row changed, or null when it inserted or deleted the row. */
    private static Set<String> touchedColumns(List<MutationRecord> records, TableShape shape) {
        Set<String> columns = new LinkedHashSet<>();
        for (MutationRecord r : records) {
            if (r.operation() != Operation.UPDATE || r.changedKey()) {
                return null;
            }
            columns.addAll(changedNow(r, shape));
        }
        return columns;
    }

    /** A row of a table, by its key after the request's write. */
    private record RowRef(TableRef table, String rowId) {
        static RowRef of(MutationRecord r) {
            return new RowRef(new TableRef(r.tableSchema(), r.tableName()), r.rowId());
        }
    }
}

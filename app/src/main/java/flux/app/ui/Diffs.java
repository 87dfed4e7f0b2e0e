package flux.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.ui.view.Timeline;
import flux.history.HistoryEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** History entries as the timeline shows them: each with the columns it changed, before and after. */
final class Diffs {
    private Diffs() {
    }

    /** {@code table}: the table of a row's timeline, for entries that name none; null for a request's. */
    static List<Timeline.Change> of(String table, List<HistoryEntry> entries) {
        List<Timeline.Change> changes = new ArrayList<>(entries.size());
        for (HistoryEntry e : entries) {
            changes.add(new Timeline.Change(e.id(), e.at(), e.operation(), e.requestId(), e.status(), e.source(),
                    e.error(), e.table(), e.rowId(), e.oldRowId(), e.table() != null ? e.table() : table, diffs(e)));
        }
        return changes;
    }

    /** An update: the changed columns; an insert or delete: every column of its image. */
    static List<Timeline.Diff> diffs(HistoryEntry e) {
        Set<String> columns = new LinkedHashSet<>();
        if ("UPDATE".equals(e.operation()) && e.changedColumns() != null) {
            columns.addAll(e.changedColumns());
        } else {
            names(e.old(), columns);
            names(e.after(), columns);
        }
        List<Timeline.Diff> diffs = new ArrayList<>(columns.size());
        for (String c : columns) {
            diffs.add(new Timeline.Diff(c, text(e.old(), c), text(e.after(), c)));
        }
        return diffs;
    }

    private static void names(ObjectNode image, Set<String> into) {
        if (image != null) {
            for (Iterator<String> it = image.fieldNames(); it.hasNext(); ) {
                into.add(it.next());
            }
        }
    }

    /** A value as text: strings bare, SQL null as "null", other JSON as written; null when the image has no such column. */
    static String text(JsonNode image, String column) {
        if (image == null || !image.has(column)) {
            return null;
        }
        JsonNode v = image.get(column);
        return v.isNull() ? "null" : v.isTextual() ? v.textValue() : v.toString();
    }
}

package flux.app.ui.view;

import java.util.List;

/** A row's history with a column diff per change, and who last wrote each column (blame). */
public record Timeline(Frame frame, String table, String rowId, List<Change> changes, String nextCursor,
                       boolean deleted, List<BlameLine> blame) {

    /**
     * One record of the row's history.
     *
     * @param source {@code api}, {@code wal}, {@code console}
     * @param error  why a rolled-back attempt failed, else null
     */
    public record Change(long id, String at, String operation, String requestId, String status, String source,
                         String error, String table, String rowId, List<Diff> diffs) {
        public boolean rolledBack() {
            return "rolled_back".equals(status);
        }
    }

    /** A column's value before and after a change (null: absent, as on an insert's before). */
    public record Diff(String column, String before, String after) {
    }

    /** A column's current value, who committed it and when, and a newer rolled-back attempt if any. */
    public record BlameLine(String column, String value, String requestId, String at, String attemptRequestId,
                            String attemptValue, String attemptError) {
    }
}

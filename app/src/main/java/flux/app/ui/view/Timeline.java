package flux.app.ui.view;

import java.util.List;

/** A row's history with a column diff per change, and who last wrote each column (blame). */
public record Timeline(Frame frame, String table, String rowId, List<Change> changes, String nextCursor,
                       boolean deleted, List<BlameLine> blame, ShortIds shortIds) {

    /**
     * One record of the row's history.
     *
     * @param source   {@code api}, {@code wal}, {@code console}
     * @param error    why a rolled-back attempt failed, else null
     * @param table    the row's table where entries of several rows are listed (a request), else null
     * @param rowId    the row's key where entries of several rows are listed, and on a key change
     * @param oldRowId an UPDATE that changed the primary key: the key before, else null
     * @param keyTable the table the keys of a key change belong to (links to both timelines)
     */
    public record Change(long id, String at, String operation, String requestId, String status, String source,
                         String error, String table, String rowId, String oldRowId, String keyTable,
                         List<Diff> diffs) {
        public boolean rolledBack() {
            return "rolled_back".equals(status);
        }

        /** A TRUNCATE: one entry for the whole table, shown in the history of every row it emptied. */
        public boolean truncate() {
            return "TRUNCATE".equals(operation);
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

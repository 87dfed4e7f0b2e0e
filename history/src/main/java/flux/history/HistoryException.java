package flux.history;

/**
 * Why a history question cannot be answered. The app maps each kind to one HTTP status
 * and problem type; messages name the thing and the value.
 */
public abstract sealed class HistoryException extends RuntimeException
        permits HistoryException.UnknownTable, HistoryException.UnknownRow, HistoryException.UnknownRequest,
        HistoryException.InvalidArgument {

    HistoryException(String message) {
        super(message);
    }

    /** The table is not in pg_catalog (or the name is not a table name). */
    public static final class UnknownTable extends HistoryException {
        UnknownTable(TableRef table) {
            super("unknown table \"" + table.display() + "\"");
        }
    }

    /** The mutation log has no record of the row. */
    public static final class UnknownRow extends HistoryException {
        UnknownRow(TableRef table, String rowId) {
            super("no history for " + table.display() + " row " + rowId);
        }
    }

    /** The mutation log has no record written by the request. */
    public static final class UnknownRequest extends HistoryException {
        UnknownRequest(String requestId) {
            super("no mutations recorded for request " + requestId);
        }
    }

    /** A parameter is malformed: a table name, a key, a time, a cursor, a limit. */
    public static final class InvalidArgument extends HistoryException {
        InvalidArgument(String message) {
            super(message);
        }
    }
}

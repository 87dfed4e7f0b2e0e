package flux.history;

import java.sql.SQLException;
import java.util.List;

/**
 * Why a history question cannot be answered: the one error of history's front door
 * ({@link History}), unchecked. The app maps each kind to one HTTP status and problem type;
 * messages name the thing and the value.
 */
public abstract sealed class HistoryException extends RuntimeException
        permits HistoryException.UnknownTable, HistoryException.UnknownRow, HistoryException.UnknownRequest,
        HistoryException.AmbiguousRequest, HistoryException.InvalidArgument, HistoryException.DatabaseFailure,
        HistoryException.Refused, HistoryException.Conflicts {

    HistoryException(String message) {
        super(message);
    }

    HistoryException(String message, Throwable cause) {
        super(message, cause);
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

    /** A short request id (a prefix) that more than one request's id starts with. */
    public static final class AmbiguousRequest extends HistoryException {
        private final List<String> candidates;

        AmbiguousRequest(String prefix, List<String> candidates) {
            super("request id " + prefix + " is ambiguous: it starts " + candidates.size()
                    + (candidates.size() > RequestMutations.CANDIDATES ? " or more" : "") + " request ids ("
                    + String.join(", ", candidates.subList(0, Math.min(candidates.size(), RequestMutations.CANDIDATES)))
                    + "); give more of it");
            this.candidates = List.copyOf(candidates.subList(0, Math.min(candidates.size(), RequestMutations.CANDIDATES)));
        }

        /** Request ids that start with the prefix (the first few, in byte order). */
        public List<String> candidates() {
            return candidates;
        }
    }

    /** A parameter is malformed: a table name, a key, a time, a cursor, a limit. */
    public static final class InvalidArgument extends HistoryException {
        InvalidArgument(String message) {
            super(message);
        }
    }

    /**
     * An undo or restore that cannot be done as asked, whatever is forced: the request rolled back
     * (it changed nothing), it truncated a table (no images to bring back), a row's key is taken.
     */
    public static final class Refused extends HistoryException {
        Refused(String message) {
            super(message);
        }
    }

    /** An undo refused because later changes would be overwritten and nobody forced them ({@code plan}). */
    public static final class Conflicts extends HistoryException {
        private final UndoPlan plan;

        Conflicts(UndoPlan plan) {
            super("undo of request " + plan.requestId() + " refused: " + plan.unforced().size()
                    + " later change" + (plan.unforced().size() == 1 ? "" : "s") + " would be overwritten ("
                    + String.join(", ", plan.unforced().stream().limit(5)
                            .map(c -> c.forceName() + " by " + c.requestId()).toList())
                    + (plan.unforced().size() > 5 ? ", ..." : "") + "); force them to overwrite");
            this.plan = plan;
        }

        /** The plan, with every conflict (forced or not). */
        public UndoPlan plan() {
            return plan;
        }
    }

    /** The database failed the read (unreachable, or an error of its own); not the caller's doing. */
    public static final class DatabaseFailure extends HistoryException {
        private final String sqlState;

        DatabaseFailure(String reading, SQLException cause) {
            super("database failure reading " + reading + ": " + cause.getMessage(), cause);
            this.sqlState = cause.getSQLState();
        }

        /** The SQLSTATE PostgreSQL (or the driver) gave, or null: class 08 means it was not reached. */
        public String sqlState() {
            return sqlState;
        }
    }
}

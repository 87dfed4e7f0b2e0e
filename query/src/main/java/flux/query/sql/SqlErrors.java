package flux.query.sql;

import flux.query.ConstraintViolation;
import flux.query.DatabaseFailure;
import flux.query.InvalidValue;
import flux.query.LimitReached;
import flux.query.QueryException;
import flux.query.WriteConflict;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Classifies a PostgreSQL error once, by SQLSTATE, into the engine's errors: class 22 and the
 * type errors of class 42 are bad values; class 23 constraint violations; 40001/40P01
 * conflicts; 57014 (a statement cancelled, by the engine's statement timeout) a limit reached;
 * anything else a database failure.
 */
public final class SqlErrors {
    /** query_canceled: what PostgreSQL reports when {@code statement_timeout} cancels a statement. */
    public static final String QUERY_CANCELED = "57014";

    private SqlErrors() {
    }

    public static QueryException classify(SQLException e) {
        String state = e.getSQLState();
        String message = message(e);
        String detail = detail(e);
        String text = detail == null ? message : message + " (" + detail + ")";
        if (state == null) {
            return new DatabaseFailure(text, null, e);
        }
        if (isInputError(state)) {
            return new InvalidValue(text, state, e);
        }
        if (state.startsWith("23")) {
            return new ConstraintViolation(text, state, e);
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return new WriteConflict(text, state, e);
        }
        if (state.equals(QUERY_CANCELED)) {
            return new LimitReached(LimitReached.Limit.STATEMENT_TIMEOUT, text, state, e);
        }
        return new DatabaseFailure(text, state, e);
    }

    /**
     * The engine's error for a failure to get or use a connection to do {@code what} ("read the
     * catalog", "run the request"): a pool that had no free connection in time is
     * {@link LimitReached} ({@link LimitReached.Limit#POOL_EXHAUSTED}), anything else a
     * {@link DatabaseFailure}. {@code e} is the driver's or pool's exception, or one wrapping it
     * (a data-access library's).
     */
    public static QueryException connectionFailure(String what, Exception e) {
        if (isPoolTimeout(e)) {
            return new LimitReached(LimitReached.Limit.POOL_EXHAUSTED,
                    "no database connection came free to " + what + "; retry shortly (" + e.getMessage() + ")", null, e);
        }
        return new DatabaseFailure("cannot " + what + ": " + e.getMessage(), sqlStateIn(e), e);
    }

    /** The SQLSTATE of the first SQLException among {@code e} and its causes; null when none has one. */
    public static String sqlStateIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /**
     * True when a pool gave up waiting for a free connection while the database itself was
     * reachable: the pool is exhausted, not the database down. HikariCP reports both as
     * {@link SQLTransientConnectionException}, with the last failure to connect as the cause when
     * there was one; a bare one is a wait that timed out. Looks through the causes, so a wrapped
     * one is found too.
     */
    public static boolean isPoolTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return t.getCause() == null;
            }
        }
        return false;
    }

    /**
     * True for errors that mean the input was not a valid value or expression for the column:
     * such a statement never was a mutation, so no attempt is recorded for it. Privilege errors
     * (42501, e.g. a row-level security policy) are refusals of a real attempt, not input errors.
     */
    public static boolean isInputError(String state) {
        return state != null && (state.startsWith("22") || (state.startsWith("42") && !state.equals("42501")));
    }

    /** {@code SQLSTATE: message}, as rolled-back records store it. */
    public static String recordText(QueryException e) {
        return (e.sqlState() == null ? "58000" : e.sqlState()) + ": " + primary(e);
    }

    private static String primary(QueryException e) {
        if (e.getCause() instanceof SQLException sql) {
            return message(sql);
        }
        return e.getMessage();
    }

    private static String message(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String detail(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            return m == null ? null : m.getDetail();
        }
        return null;
    }
}

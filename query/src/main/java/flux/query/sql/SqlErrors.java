package flux.query.sql;

import flux.query.ConstraintViolation;
import flux.query.DatabaseFailure;
import flux.query.InvalidValue;
import flux.query.QueryException;
import flux.query.WriteConflict;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Classifies a PostgreSQL error once, by SQLSTATE, into the engine's errors: class 22 and the
 * type errors of class 42 are bad values; class 23 constraint violations; 40001/40P01
 * conflicts; anything else a database failure.
 */
public final class SqlErrors {
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
        return new DatabaseFailure(text, state, e);
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

package flux.pg;

import java.sql.SQLException;

/**
 * PostgreSQL failed a statement that modules {@code pg} and {@code log} ran: the one unchecked
 * error of both, thrown by their public methods in place of the {@link SQLException}, which is the
 * cause ({@link #sqlCause()}). The message is the database's as it is, and {@link #sqlState()} its
 * code, so a caller still tells a serialization failure ({@code 40001}) from a lock timeout
 * ({@code 55P03}) or a unique violation ({@code 23505}), and a failure classifier that searches a
 * cause chain for the {@link SQLException} still finds it.
 *
 * <p>One type for both modules, not one each: their methods run inside the caller's transaction,
 * side by side with the caller's own statements and each other (a log read under
 * {@link Transactions}), and what a caller decides (retry, conflict, unavailable) depends on the
 * SQLSTATE, never on which of the two modules ran the statement. Neither module has failures of its
 * own beyond the database's (bad arguments are {@link IllegalArgumentException}), so a second type
 * would only be a second name to catch. Each product module turns it into its own error at its
 * front door, as it does with its own {@link SQLException}s.
 */
public final class DatabaseException extends RuntimeException {
    private final String sqlState;

    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** The database's error, for callers that classify it or describe it (server message, detail, hint). */
    public SQLException sqlCause() {
        return (SQLException) getCause();
    }

    /**
     * The {@link SQLException} of a failure caught as either kind, for a caller whose own statements
     * throw it beside the log's or pg's: {@code catch (SQLException | DatabaseException failure)}
     * handles both alike with {@code SQLException e = DatabaseException.sqlCauseOf(failure)}.
     */
    public static SQLException sqlCauseOf(Exception failure) {
        return failure instanceof DatabaseException db ? db.sqlCause() : (SQLException) failure;
    }

    /** PostgreSQL's code, e.g. {@code 40001}; null when the driver gave none. */
    public String sqlState() {
        return sqlState;
    }
}

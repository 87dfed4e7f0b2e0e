package flux.query;

/**
 * The one unchecked root of every error the engine reports. Callers switch on the subtype:
 * {@link InvalidQuery}, {@link UnknownName} and {@link InvalidValue} are the caller's fault
 * (bad input, nothing was changed), {@link ConstraintViolation} and {@link WriteConflict} are
 * conflicts with the data (the transaction rolled back), {@link DatabaseFailure} is everything
 * else (the database is unreachable or failed in a way the input did not cause);
 * {@link AccessRefused} is a tenant asking for what its scope does not allow;
 * {@link LimitReached} is a request that met a limit of the server's resources (statement
 * timeout, connection pool), which retrying later may pass.
 */
public abstract sealed class QueryException extends RuntimeException
        permits InvalidQuery, UnknownName, InvalidValue, ConstraintViolation, WriteConflict, DatabaseFailure,
        AccessRefused, LimitReached {

    private final String sqlState;

    QueryException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * The SQLSTATE: PostgreSQL's when the database reported the error, otherwise the closest
     * standard code for what the engine detected (42601, 42P01, 42703); null only for a
     * {@link DatabaseFailure} without one (e.g. a lost connection).
     */
    public String sqlState() {
        return sqlState;
    }
}

package flux.query;

/**
 * The request met a limit of the server's resources, not a fault of its data: its statement ran
 * past the statement timeout (SQLSTATE 57014), or no database connection came free in time (the
 * pool is exhausted). Nothing was changed: the transaction rolled back, or never began.
 * {@link #limit()} is the stable kind.
 */
public final class LimitReached extends QueryException {
    /** Which limit, for clients that switch on it (the HTTP layer maps each to a problem type). */
    public enum Limit {
        /** A statement was cancelled after {@link EngineLimits#statementTimeout()}. */
        STATEMENT_TIMEOUT,
        /** Every pooled connection stayed busy for the pool's whole connection timeout. */
        POOL_EXHAUSTED
    }

    private final Limit limit;

    public LimitReached(Limit limit, String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
        this.limit = limit;
    }

    public Limit limit() {
        return limit;
    }
}

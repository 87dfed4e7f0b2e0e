package flux.query;

/**
 * The query is malformed: not JSON, missing or contradictory fields, an unknown operation or
 * operator, a value of the wrong JSON shape, an update or delete without filters. Detected
 * before anything reaches the database. {@link #reason()} is the stable kind.
 */
public final class InvalidQuery extends QueryException {
    /** What is wrong, for clients that switch on it (the HTTP layer maps each to a problem type). */
    public enum Reason {
        MALFORMED_JSON, UNKNOWN_OPERATION, UNKNOWN_OPERATOR, FILTERS_REQUIRED, INVALID_REQUEST_ID, INVALID_QUERY,
        /** A transaction with more queries than the server takes. */
        TOO_MANY_QUERIES,
        /** An {@code in} filter with more values than {@link EngineLimits#maxInValues()}. */
        TOO_MANY_VALUES
    }

    private final Reason reason;

    public InvalidQuery(String message) {
        this(Reason.INVALID_QUERY, message);
    }

    public InvalidQuery(Reason reason, String message) {
        // 42601 syntax_error: the closest standard code, recorded with rolled-back attempts.
        super(message, "42601", null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

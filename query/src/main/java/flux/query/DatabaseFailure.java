package flux.query;

/** The database failed for a reason the input did not cause: unreachable, out of resources, an internal error. */
public final class DatabaseFailure extends QueryException {
    public DatabaseFailure(String message) {
        super(message, null, null);
    }

    public DatabaseFailure(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}

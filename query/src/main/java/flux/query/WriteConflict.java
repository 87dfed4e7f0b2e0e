package flux.query;

/** The transaction lost a race: serialization failure or deadlock (SQLSTATE 40001, 40P01). Retrying may succeed. */
public final class WriteConflict extends QueryException {
    public WriteConflict(String message) {
        super(message, null, null);
    }

    public WriteConflict(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}

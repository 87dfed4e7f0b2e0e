package flux.query;

/** A unique, foreign key, not-null, check or exclusion constraint rejected the write (SQLSTATE class 23). */
public final class ConstraintViolation extends QueryException {
    public ConstraintViolation(String message) {
        super(message, null, null);
    }

    public ConstraintViolation(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}

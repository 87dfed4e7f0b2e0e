package flux.query;

/** PostgreSQL rejected a value for its column's type (SQLSTATE class 22, or a type mismatch such as an operator that does not exist for the type). */
public final class InvalidValue extends QueryException {
    public InvalidValue(String message) {
        super(message, null, null);
    }

    public InvalidValue(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}

package flux.observe;

import java.sql.SQLException;

/**
 * The observe module's one error, unchecked: the database could not answer what observability
 * asked it (a plan, the catalog for index advice). Its message is the database's; the
 * {@link SQLException} is the cause. Observability never retries, so it has no kinds.
 */
public final class ObserveException extends RuntimeException {
    ObserveException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The database's error, for callers that classify it (SQLSTATE, pool timeout). */
    public SQLException sqlCause() {
        return (SQLException) getCause();
    }
}

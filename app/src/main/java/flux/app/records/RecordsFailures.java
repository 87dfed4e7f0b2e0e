package flux.app.records;

import java.sql.SQLException;

/** What a failure of Flux's records says about the database (Micronaut Data keeps the driver's exception as a cause). */
public final class RecordsFailures {
    /** PostgreSQL's code for a missing table: the flux schema is not installed yet. */
    public static final String UNDEFINED_TABLE = "42P01";

    private RecordsFailures() {
    }

    /** The SQLSTATE of the first SQLException in the chain; null when there is none (e.g. no connection at all). */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}

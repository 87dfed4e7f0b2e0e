package flux.app.records;

/** What a failure of Flux's records says about the database (Micronaut Data keeps the driver's exception as a cause). */
public final class RecordsFailures {
    /** PostgreSQL's code for a missing table: the flux schema is not installed yet. */
    public static final String UNDEFINED_TABLE = "42P01";

    private RecordsFailures() {
    }
}

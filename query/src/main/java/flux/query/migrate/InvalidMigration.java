package flux.query.migrate;

/** A file or directory Flux cannot run as it is (naming, duplicates, COPY FROM STDIN, no down file...). */
public final class InvalidMigration extends MigrationException {
    public InvalidMigration(String message) {
        super(message);
    }

    public InvalidMigration(String message, Throwable cause) {
        super(message, cause);
    }
}

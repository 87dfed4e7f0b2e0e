package flux.migrate;

/** A file or directory Flux cannot run as it is (naming, duplicates, COPY FROM STDIN, no down file...). */
public final class InvalidMigration extends MigrationException {
    InvalidMigration(String message) {
        super(message);
    }

    InvalidMigration(String message, Throwable cause) {
        super(message, cause);
    }
}

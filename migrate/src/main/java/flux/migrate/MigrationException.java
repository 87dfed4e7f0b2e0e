package flux.migrate;

/**
 * Why migrating stopped. Every message is one line that names the file (and the statement's
 * line and SQLSTATE where Postgres failed) and says how to proceed. When one is thrown, the
 * migration that was running has rolled back and its ledger row was not written.
 */
public abstract sealed class MigrationException extends RuntimeException
        permits InvalidMigration, ChecksumConflict, MigrationFailed, MigrationLockTimeout {

    MigrationException(String message) {
        super(message);
    }

    MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package flux.migrate;

/**
 * Why migrating stopped. Every message is one line that names the file (and the statement's
 * line and SQLSTATE where Postgres failed) and says how to proceed. When one is thrown, the
 * migration that was running has rolled back and its ledger row was not written; except for a
 * file running outside a transaction that failed after some of it took effect: its version is
 * then recorded dirty, and the message says so ({@link DirtyMigration} on the next run).
 */
public abstract sealed class MigrationException extends RuntimeException
        permits InvalidMigration, ChecksumConflict, MigrationFailed, MigrationLockTimeout, DirtyMigration {

    MigrationException(String message) {
        super(message);
    }

    MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

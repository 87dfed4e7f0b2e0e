package flux.migrate;

/** Another migrator held the migration lock longer than this one was willing to wait. */
public final class MigrationLockTimeout extends MigrationException {
    MigrationLockTimeout(String message) {
        super(message);
    }
}

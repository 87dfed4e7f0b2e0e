package flux.migrate;

import java.time.Duration;

/**
 * Limits for a migration run. {@code lockTimeout} and {@code statementTimeout} are set on
 * the migrating session ({@code lock_timeout}, {@code statement_timeout}; zero disables);
 * a file may still {@code SET} its own. {@code lockWait} bounds the wait for another
 * migrator to finish.
 *
 * <p>Why a lock_timeout by default: an ALTER TABLE queued behind a long transaction blocks
 * every query on that table behind it; failing after 10 s and retrying later beats an outage.
 */
public record MigrationSettings(Duration lockTimeout, Duration statementTimeout, Duration lockWait) {
    public static final MigrationSettings DEFAULTS =
            new MigrationSettings(Duration.ofSeconds(10), Duration.ofMinutes(15), Duration.ofMinutes(10));

    public MigrationSettings {
        if (lockTimeout.isNegative() || statementTimeout.isNegative() || lockWait.isNegative()) {
            throw new IllegalArgumentException("migration timeouts cannot be negative");
        }
    }

    public MigrationSettings withLockTimeout(Duration d) {
        return new MigrationSettings(d, statementTimeout, lockWait);
    }

    public MigrationSettings withStatementTimeout(Duration d) {
        return new MigrationSettings(lockTimeout, d, lockWait);
    }

    public MigrationSettings withLockWait(Duration d) {
        return new MigrationSettings(lockTimeout, statementTimeout, d);
    }
}

package flux.app.cli;

import flux.migrate.MigrationSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Limits of a migrating session; defaults from {@link MigrationSettings#DEFAULTS}. */
public final class MigrationOptions {
    @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "lock_timeout for each statement (default 10s; 0 waits for ever).")
    Duration lockTimeout;

    @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "statement_timeout for each statement (default 15m; 0 for none).")
    Duration statementTimeout;

    @Option(names = "--lock-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for another migrator to finish (default 10m).")
    Duration lockWait;

    MigrationSettings settings() {
        MigrationSettings s = MigrationSettings.DEFAULTS;
        if (lockTimeout != null) {
            s = s.withLockTimeout(lockTimeout);
        }
        if (statementTimeout != null) {
            s = s.withStatementTimeout(statementTimeout);
        }
        if (lockWait != null) {
            s = s.withLockWait(lockWait);
        }
        return s;
    }
}

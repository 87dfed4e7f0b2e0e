package flux.app.migrate;

import flux.app.cli.CliFailure;

/** The server cannot start: its migrations failed. The message is the one line to show. */
public final class StartupMigrationFailed extends CliFailure {
    StartupMigrationFailed(String message, Throwable cause) {
        super(message, cause);
    }
}

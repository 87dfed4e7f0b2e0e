package flux.console;

/**
 * The console module's errors: {@link ConsoleRefused} (the text cannot be run as given, 400),
 * {@link ConsoleUnavailable} (the database could not be reached or set up for the caller, 503),
 * and {@link BackupFailed} (a tenant backup or restore could not be done). A statement that PostgreSQL rejects is not an exception: its error is part of the
 * {@link ConsoleRun}, and audited.
 */
public abstract sealed class ConsoleException extends RuntimeException permits ConsoleRefused, ConsoleUnavailable,
        BackupFailed {
    ConsoleException(String message, Throwable cause) {
        super(message, cause);
    }
}

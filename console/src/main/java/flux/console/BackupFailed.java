package flux.console;

import java.sql.SQLException;

/** A tenant backup or restore could not be done; the message names the tenant, file or table and why. */
public final class BackupFailed extends ConsoleException {
    public BackupFailed(String message) {
        super(message, null);
    }

    public BackupFailed(String message, Throwable cause) {
        super(message + ": " + (cause instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() + ": " : "")
                + cause.getMessage(), cause);
    }
}

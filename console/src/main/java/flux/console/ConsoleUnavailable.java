package flux.console;

import java.sql.SQLException;

/** The database could not be reached, or the caller's console login could not be set up. */
public final class ConsoleUnavailable extends ConsoleException {
    public ConsoleUnavailable(String message, SQLException cause) {
        super(message + ": " + (cause.getSQLState() == null ? "" : cause.getSQLState() + ": ") + cause.getMessage(),
                cause);
    }
}

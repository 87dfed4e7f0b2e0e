package flux.console;

/** The text cannot be run as given (empty, too many statements, transaction control); nothing ran. */
public final class ConsoleRefused extends ConsoleException {
    public ConsoleRefused(String message) {
        super(message, null);
    }
}

package flux.app.cli;

/** A command failed for a reason the user can act on; its message is printed as it is. */
public class CliFailure extends RuntimeException {
    public CliFailure(String message) {
        super(message);
    }

    public CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

package flux.app.server;

/**
 * The server cannot start, for a reason the operator can act on. The message is the whole
 * story on one line: the CLI prints it as {@code flux: <message>} and exits with
 * {@link #exitCode()} (the stack trace only with {@code FLUX_DEBUG=1}). README lists these
 * messages; keep them stable.
 */
public class StartupFailure extends RuntimeException {
    /** The CLI's exit code for a failed command (README: 0 ok, 1 failed, 2 usage). */
    public static final int FAILED = 1;

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The HTTP port is taken: checked before anything starts, and again when the server binds. */
    public static StartupFailure portInUse(int port) {
        return new StartupFailure("HTTP port " + port + " is already in use (choose another with --port or FLUX_PORT)");
    }

    public int exitCode() {
        return FAILED;
    }
}

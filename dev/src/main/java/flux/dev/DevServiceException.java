package flux.dev;

/**
 * A dev service could not start or stop. The message is one line that names the
 * cause (a port, a directory, a process) so the CLI can print it as it is.
 */
public final class DevServiceException extends RuntimeException {
    public DevServiceException(String message) {
        super(message);
    }

    public DevServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}

package flux.app.cli;

import flux.app.server.StartupFailure;
import picocli.CommandLine;

/**
 * Exit codes of the CLI: 0 ok, 1 failed, 2 usage. A failure prints one line naming the
 * cause ({@code flux: ...}); the stack trace only with {@code FLUX_DEBUG=1}. A server that
 * cannot start exits with its {@link StartupFailure}'s code.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }

    public static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println("flux: " + oneLine(e));
        if (System.getenv("FLUX_DEBUG") != null) {
            e.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return exitCode(e);
    }

    /** A start-up failure's own code (the framework may have wrapped it); otherwise 1. */
    static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StartupFailure failure) {
                return failure.exitCode();
            }
        }
        return FAILED;
    }

    /** The most telling message of an exception chain, on one line. */
    public static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CliFailure || t instanceof StartupFailure || t instanceof flux.dev.DevServiceException) {
                return t.getMessage(); // written for the user, whatever wraps it
            }
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replace('\n', ' ').strip();
    }
}

package flux.app.cli;

import picocli.CommandLine;

/**
 * Exit codes of the CLI: 0 ok, 1 failed, 2 usage. A failure prints one line naming the
 * cause ({@code flux: ...}); the stack trace only with {@code FLUX_DEBUG=1}.
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
        return FAILED;
    }

    /** The most telling message of an exception chain, on one line. */
    public static String oneLine(Throwable e) {
        if (e instanceof CliFailure || e instanceof flux.dev.DevServiceException) {
            return e.getMessage();
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

package flux.app.cli;

import sun.misc.Signal;

/**
 * SIGTERM (a service manager, {@code kill}) and SIGINT (Ctrl-C) are how {@code flux serve} is asked
 * to stop, so a stop they start exits 0 once the shutdown hook has stopped everything in order. The
 * JVM's own handlers exit 143 and 130, which service managers and scripts read as a failure.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** From now on SIGTERM and SIGINT run the shutdown hooks and exit 0. */
    static void exitZeroOnStop() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> System.exit(ExitCodes.OK));
        }
    }
}

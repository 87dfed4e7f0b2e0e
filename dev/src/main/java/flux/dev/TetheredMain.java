package flux.dev;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The main class of the embedded Kafka's child JVM: {@code TetheredMain <parent pid> <main class>
 * [args...]} runs the given main class (the broker, or its storage tool) and ends this JVM once
 * the JVM that launched it has exited, however that one ended ({@code kill -9} included). So a
 * broker never outlives the {@code flux serve} or the test run that started it.
 *
 * <p>It runs on the broker's classpath, not on Flux's: {@link LocalKafka} copies this one class
 * file next to the broker's config. Hence java.base only, and no nested or anonymous classes
 * (they would be class files of their own); lambdas compile into this one.
 */
public final class TetheredMain {
    /** Exit status when the parent is gone (the broker's own statuses are 0 and 1). */
    static final int PARENT_EXITED = 3;
    /** Time the main class's shutdown hooks get (Kafka's controlled shutdown takes a few seconds). */
    private static final long SHUTDOWN_GRACE_MILLIS = 30_000;

    private TetheredMain() {
    }

    public static void main(String[] args) throws Throwable {
        long parentPid = Long.parseLong(args[0]);
        // Checked against the actual parent: had the launcher died before this line, this JVM would
        // already be re-parented (to init or a subreaper), and watching that instead would never end.
        ProcessHandle parent = ProcessHandle.current().parent().filter(p -> p.pid() == parentPid).orElse(null);
        if (parent == null) {
            parentExited(parentPid);
            return;
        }
        // For a process that is not its child, the JDK polls for the exit (every 0.3 s, slowing to 5 s).
        parent.onExit().thenRun(() -> parentExited(parentPid));
        try {
            Class.forName(args[1]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Exits through the shutdown hooks (Kafka's closes its logs cleanly), halting if they hang. */
    private static void parentExited(long parentPid) {
        System.err.println("flux: the JVM that started this one (pid " + parentPid + ") has exited; stopping");
        Thread deadline = new Thread(TetheredMain::haltAfterGrace, "tether-deadline");
        deadline.setDaemon(true);
        deadline.start();
        System.exit(PARENT_EXITED);
    }

    private static void haltAfterGrace() {
        try {
            Thread.sleep(SHUTDOWN_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(PARENT_EXITED);
    }
}

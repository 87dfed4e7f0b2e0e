package flux.dev;

import java.nio.file.Path;

/**
 * Starts an embedded Postgres from a separate JVM and then waits to be killed with -9,
 * leaving the postgres behind as an orphan, as a crashed {@code flux serve} would.
 */
public final class OrphanMaker {
    public static void main(String[] args) throws Exception {
        LocalPostgres.start(Path.of(args[0]), Integer.parseInt(args[1]));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

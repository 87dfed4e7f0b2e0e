package flux.dev.testing;

import flux.dev.DevServiceException;
import flux.dev.FluxHome;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scratch directory of this test JVM's embedded services, {@code <base>/run-*}, held as a
 * {@link FluxHome}: an OS lock that the kernel drops when the JVM dies, even on {@code kill -9}.
 * So a run directory whose lock is free belongs to a run that is gone. On begin, what such runs
 * left running is stopped by the pids in their own directories (postgres through
 * {@code postmaster.pid}, a Kafka still stopping through {@code kafka.pid}), each only while that
 * pid's command line still names the directory. Nothing is killed by name, and no live run's
 * services are touched.
 */
final class TestRun implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestRun.class);
    private static final String PREFIX = "run-";

    private final FluxHome home;

    private TestRun(FluxHome home) {
        this.home = home;
    }

    static TestRun begin(Path base) {
        try {
            Path root = Files.createDirectories(base.toAbsolutePath().normalize());
            Path own = Files.createTempDirectory(root, PREFIX);
            TestRun run = new TestRun(FluxHome.acquire(own));
            stopLeftovers(root, own);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a test directory under " + base, e);
        }
    }

    Path postgresDir() {
        return home.postgresDir();
    }

    Path kafkaDir() {
        return home.kafkaDir();
    }

    @Override
    public void close() {
        home.close();
    }

    private static void stopLeftovers(Path root, Path own) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path run : runs) {
                // Never our own: opening a second channel on a lock file this JVM holds can drop its lock.
                if (!run.equals(own) && Files.isDirectory(run)) {
                    stopIfAbandoned(run);
                }
            }
        }
    }

    private static void stopIfAbandoned(Path run) {
        FluxHome abandoned;
        try {
            abandoned = FluxHome.acquire(run);
        } catch (DevServiceException heldByALiveRun) {
            return;
        }
        try (abandoned) {
            LocalPostgres.stopOrphan(abandoned.postgresDir());
            LocalKafka.stopOrphan(abandoned.kafkaDir());
        } catch (DevServiceException e) {
            log.warn("could not stop what an earlier test run left in {}: {}", run, e.getMessage());
        }
    }
}

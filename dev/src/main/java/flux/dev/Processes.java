package flux.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops processes left behind by a run that was killed (postgres, the Kafka JVM). */
final class Processes {
    private static final Logger log = LoggerFactory.getLogger(Processes.class);

    private Processes() {
    }

    /** The pid on the first line of a pid file, if the file exists and parses. */
    static Optional<Long> readPid(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The full command line. ProcessHandle.Info can come back empty for a process that is
     * not our child, so /proc is read first where it exists.
     */
    static String commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException ignored) {
            // fall back below
        }
        return process.info().commandLine().orElse("");
    }

    static Optional<ProcessHandle> alive(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /**
     * Sends {@code signal} (by name, e.g. INT for a fast postgres shutdown), waits for the
     * process to exit and kills it outright when it does not in time.
     */
    static void stop(ProcessHandle process, String signal, Duration grace, String what) {
        log.warn("stopping orphaned {} (pid {}) left by an earlier run", what, process.pid());
        stopIn(process, what, grace, signal);
    }

    /**
     * Sends each signal in turn, each given {@code grace} to end the process, then kills it
     * outright (SIGKILL). For postgres: INT (fast shutdown), then QUIT (immediate shutdown: the
     * postmaster stops its children itself, so none outlives it holding the shared memory a new
     * postmaster would refuse to start beside), and SIGKILL only when even that fails.
     */
    static void stopIn(ProcessHandle process, String what, Duration grace, String... signals) {
        try {
            for (String signal : signals) {
                new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                        .redirectErrorStream(true).start().waitFor();
                if (awaitExit(process, grace)) {
                    return;
                }
                log.warn("{} (pid {}) did not stop within {} s of SIG{}", what, process.pid(), grace.toSeconds(), signal);
            }
            process.destroyForcibly();
            if (!awaitExit(process, Duration.ofSeconds(10))) {
                throw new DevServiceException("cannot stop " + what + " (pid " + process.pid() + ")");
            }
        } catch (IOException e) {
            throw new DevServiceException("cannot signal " + what + " (pid " + process.pid() + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevServiceException("interrupted while stopping " + what, e);
        }
    }

    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}

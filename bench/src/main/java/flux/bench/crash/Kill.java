package flux.bench.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGKILL by pid, for the processes this run started: the postmaster (its pid is the first line
 * of {@code postmaster.pid} in the data directory it runs on) and the Kafka broker. Never by name.
 */
final class Kill {
    private Kill() {
    }

    /**
     * Kills the postmaster of {@code dataDir} and waits until it and every backend it had are gone
     * (backends notice their postmaster's death and exit; a new postmaster cannot start while they
     * hold the old shared memory). Returns how many processes died.
     */
    static int postmaster(Path dataDir) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalStateException("no postmaster runs as pid " + pid));
        List<ProcessHandle> family = new ArrayList<>(postmaster.children().toList());
        family.add(postmaster);
        postmaster.destroyForcibly();
        await(family, "postgres");
        return family.size();
    }

    /** Kills a process (the broker's JVM) and waits until it is gone. */
    static void process(long pid, String what) throws InterruptedException {
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalStateException("no " + what + " runs as pid " + pid));
        process.destroyForcibly();
        await(List.of(process), what);
    }

    private static void await(List<ProcessHandle> processes, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(what + " process " + p.pid() + " still runs 60 s after SIGKILL", e);
            }
        }
    }
}

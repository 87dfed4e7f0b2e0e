package flux.bench.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code flux.jar} running {@code flux serve} in a process of its own, as a user runs
 * it: against a PostgreSQL and a Kafka given by {@code DATABASE_URL} and
 * {@code KAFKA_BOOTSTRAP_SERVERS} (the crash run, so that each can be killed on its own), or on the
 * embedded default under {@code dir/.flux} (the load bench). Works in {@code dir} (so a
 * {@code schema/} there is applied on start); output goes to files there.
 */
public final class FluxServeProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private FluxServeProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static FluxServeProcess start(Path jar, Path dir, int httpPort, String databaseUrl, String kafka, Duration timeout)
            throws IOException, InterruptedException {
        return start(jar, dir, Map.of("DATABASE_URL", databaseUrl, "KAFKA_BOOTSTRAP_SERVERS", kafka), timeout,
                "--port", Integer.toString(httpPort));
    }

    /** {@code flux serve} with {@code arguments}, with {@code environment} added (and nothing of the caller's DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, FLUX_PORT). */
    public static FluxServeProcess start(Path jar, Path dir, Map<String, String> environment, Duration timeout,
                                         String... arguments) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", jar.toString(), "serve", "--data-dir", dir.resolve(".flux").toString()));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(dir, "flux-stdout-", ".log");
        Path err = Files.createTempFile(dir, "flux-stderr-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeAll(List.of("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "FLUX_PORT"));
        builder.environment().putAll(environment);
        FluxServeProcess flux = new FluxServeProcess(builder.start(), out, err);
        flux.awaitUp(timeout);
        return flux;
    }

    private void awaitUp(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(stdout).contains("flux is up")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("flux serve exited with " + process.exitValue() + ": " + tail(stderr));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("flux serve was not up within " + timeout + ": " + tail(stderr));
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, in-flight requests lose their answers. Returns once the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("flux serve (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The server's log (stderr), for a report or a failure. */
    public Path log() {
        return stderr;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** SIGTERM and wait, then SIGKILL if it hangs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}

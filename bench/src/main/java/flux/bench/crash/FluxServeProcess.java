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
        FluxServeProcess flux = launch(thisJava(), List.of(), jar, dir, environment, arguments);
        flux.awaitUp(timeout);
        return flux;
    }

    /** The java executable running this JVM: the one {@link #start} runs the server with. */
    public static String thisJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * As {@link #start}, with the given {@code java} executable and JVM options, and returns at once,
     * before the server is up ({@link #isUp()}): for a caller that times the start itself.
     */
    public static FluxServeProcess launch(String java, List<String> jvmOptions, Path jar, Path dir,
                                          Map<String, String> environment, String... arguments) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--data-dir", dir.resolve(".flux").toString()));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(dir, "flux-stdout-", ".log");
        Path err = Files.createTempFile(dir, "flux-stderr-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeAll(List.of("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "FLUX_PORT"));
        builder.environment().putAll(environment);
        return new FluxServeProcess(builder.start(), out, err);
    }

    /** True once the server printed "flux is up"; a failure (with its log's tail) once it exited. */
    public boolean isUp() throws IOException {
        if (Files.readString(stdout).contains("flux is up")) {
            return true;
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("flux serve exited with " + process.exitValue() + ": " + tail(stderr));
        }
        return false;
    }

    public void awaitUp(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isUp()) {
                return;
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
        stop(Duration.ofSeconds(60));
    }

    /**
     * SIGTERM and wait up to {@code patience} (a JVM that writes an AOT cache at exit takes long),
     * then SIGKILL. Returns the exit code, or -1 when it had to be killed.
     */
    public int stop(Duration patience) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                return -1;
            }
        }
        return process.exitValue();
    }
}

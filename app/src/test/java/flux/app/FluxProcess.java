package flux.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code flux.jar} run as a separate process, the way a user runs it: black-box
 * tests of start-up, health, signals and orphans. Output goes to files in the work directory.
 */
final class FluxProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/flux.jar").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private FluxProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static FluxProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "stdout", ".log");
        Path err = Files.createTempFile(workDir, "stderr", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        builder.environment().remove("FLUX_PORT");
        builder.environment().putAll(env);
        return new FluxProcess(builder.start(), out, err);
    }

    /** Runs a command to completion (CLI verbs, failing starts). */
    static FluxProcess run(Path workDir, Map<String, String> env, String... args) throws Exception {
        FluxProcess p = start(workDir, env, args);
        if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
            p.process.destroyForcibly();
            throw new AssertionError("flux " + String.join(" ", args) + " did not finish; stderr: " + p.stderr());
        }
        return p;
    }

    /**
     * Waits until the server printed its summary (it is then serving), or fails with its stderr.
     * On failure the process is stopped first: a caller's try-with-resources never received it.
     */
    FluxProcess awaitUp(Duration timeout) throws Exception {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (stdout().contains("flux is up")) {
                    return this;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("flux exited with " + process.exitValue() + ": " + stderr());
                }
                Thread.sleep(100);
            }
            throw new AssertionError("flux did not come up in " + timeout + "; stderr: " + stderr());
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception | Error stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or a service manager would send, and wait for the exit. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("flux did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Waits for the process to exit by itself (after a signal sent by other means); its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            String why = stuck();
            process.destroyForcibly();
            throw new AssertionError("flux did not exit within " + timeout + "\n" + why);
        }
        return process.exitValue();
    }

    /**
     * What a process that does not stop is doing: its threads (jstack, beside the running JVM) and
     * the end of its log, so a stop that hangs in CI says where.
     */
    private String stuck() {
        StringBuilder why = new StringBuilder();
        try {
            Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
            Process dump = new ProcessBuilder(jstack.toString(), Long.toString(process.pid())).redirectErrorStream(true).start();
            String threads = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            dump.waitFor(20, TimeUnit.SECONDS);
            why.append("threads:\n").append(threads);
        } catch (IOException | InterruptedException | RuntimeException e) {
            why.append("no thread dump: ").append(e).append('\n');
        }
        try {
            List<String> log = Files.readAllLines(stderr);
            why.append("last log lines:\n").append(String.join("\n", log.subList(Math.max(0, log.size() - 80), log.size())));
        } catch (IOException e) {
            why.append("no log: ").append(e);
        }
        return why.toString();
    }

    /** kill -9: nothing of ours runs, the children are left behind. Fails unless the process died. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("flux (pid " + process.pid() + ") still runs 30 s after kill -9");
        }
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Stops the process if it still runs: SIGTERM, then kill -9 when that fails. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}

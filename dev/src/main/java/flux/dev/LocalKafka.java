package flux.dev;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka (KRaft, broker and controller in one) running as a child JVM
 * on its own classpath (see module flux-kafka-broker), so the broker's dependencies never
 * mix with Debezium's. Storage is formatted once, when {@code meta.properties} is missing.
 *
 * <p>The child is tethered to this JVM ({@link TetheredMain}): it stops itself when this JVM
 * exits, even on {@code kill -9}. A broker still found through the pid file at start (one that
 * was stopping, or one from a build without the tether) is stopped first.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final String CLASSPATH_RESOURCE = "flux/kafka-broker.classpath";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process process;
    private final Path dir;
    private final int port;

    private LocalKafka(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static LocalKafka start(Path kafkaDir, int port, int controllerPort) {
        // Absolute, so the child's command line names the directory (how stopOrphan recognises it).
        Path dir = kafkaDir.toAbsolutePath().normalize();
        Path pidFile = dir.resolve("kafka.pid");
        stopOrphan(dir);
        Ports.requireFree(port, "Kafka");
        Ports.requireFree(controllerPort, "Kafka controller");
        Path dataDir = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(config, serverProperties(dataDir, port, controllerPort));
            Files.writeString(dir.resolve("log4j2.properties"), LOG_CONFIG);
        } catch (IOException e) {
            throw new DevServiceException("cannot write Kafka config under " + dir + ": " + FluxHome.describe(e));
        }
        String classpath = brokerClasspath();
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dir, classpath, config);
        }
        Process process = launch(dir, classpath, "kafka.Kafka", config.toString());
        try {
            Files.writeString(pidFile, Long.toString(process.pid()));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new DevServiceException("cannot write " + pidFile + ": " + FluxHome.describe(e));
        }
        LocalKafka kafka = new LocalKafka(process, dir, port);
        kafka.awaitReady();
        log.info("embedded Kafka listening on 127.0.0.1:{} (pid {}, data {})", port, process.pid(), dataDir);
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the broker runs its controlled shutdown
            if (!Processes.awaitExit(process.toHandle(), Duration.ofSeconds(30))) {
                log.warn("embedded Kafka did not stop in 30 s; killing it");
                process.destroyForcibly();
                Processes.awaitExit(process.toHandle(), Duration.ofSeconds(10));
            }
        }
        try {
            Files.deleteIfExists(dir.resolve("kafka.pid"));
        } catch (IOException ignored) {
            // a stale pid file names a dead process; the next start ignores it
        }
        log.info("embedded Kafka stopped");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new DevServiceException("embedded Kafka exited with code " + process.exitValue()
                            + " during start; see " + dir.resolve("server.log") + ": " + lastLogLine());
                }
                if (!accepts(port)) { // an Admin against a closed port logs a warning per retry
                    sleep(100);
                    continue;
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    sleep(200);
                }
            }
        }
        close();
        throw new DevServiceException("embedded Kafka was not ready within " + READY_TIMEOUT.toSeconds()
                + " s; see " + dir.resolve("server.log"));
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void format(Path dir, String classpath, Path config) {
        // Kafka's own ids never start with '-', which the tool would take for an option.
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Process p = launch(dir, classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                config.toString());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new DevServiceException("formatting Kafka storage failed; see " + dir.resolve("server.log")
                        + ": " + lastLogLine(dir));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevServiceException("interrupted while formatting Kafka storage", e);
        }
    }

    private static Process launch(Path dir, String classpath, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        // In a session of its own where the system has setsid(1) (it execs in place: same pid). Ctrl-C
        // in a terminal signals the whole foreground process group, and the broker must not stop at
        // the same moment as the server whose capture still publishes to it: it stops when close()
        // tells it to, after capture. Its tether still ends it with this JVM.
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", tetherClasses(dir) + java.io.File.pathSeparator + classpath,
                TetheredMain.class.getName(), Long.toString(ProcessHandle.current().pid()), mainClass));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new DevServiceException("cannot start the Kafka JVM: " + e.getMessage(), e);
        }
    }

    /**
     * A classpath directory under {@code dir} holding {@link TetheredMain}'s class file, copied from
     * this JVM's own classpath: the broker's classpath (jars in the local Maven repository) must not
     * take in Flux's jar, which bundles other versions of Kafka's and logging's classes.
     */
    private static Path tetherClasses(Path dir) {
        String resource = TetheredMain.class.getName().replace('.', '/') + ".class";
        Path classes = dir.resolve("tether");
        try (InputStream in = LocalKafka.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new DevServiceException(resource + " is missing from the build");
            }
            Path target = classes.resolve(resource);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return classes;
        } catch (IOException e) {
            throw new DevServiceException("cannot write the Kafka launcher under " + dir + ": " + FluxHome.describe(e));
        }
    }

    private static String brokerClasspath() {
        try (InputStream in = LocalKafka.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new DevServiceException("Kafka broker classpath (" + CLASSPATH_RESOURCE
                        + ") is missing from the build; rebuild with ./mvnw -DskipTests package");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String first = classpath.split(java.io.File.pathSeparator)[0];
            if (!Files.exists(Path.of(first))) {
                throw new DevServiceException("Kafka broker jars are not in the local Maven repository (" + first
                        + "); rebuild with ./mvnw -DskipTests package");
            }
            return classpath;
        } catch (IOException e) {
            throw new DevServiceException("cannot read the Kafka broker classpath: " + e.getMessage(), e);
        }
    }

    /**
     * Stops a broker that a run which is gone left on {@code kafkaDir}: the pid in its {@code kafka.pid},
     * if that process is still the broker of this directory (its command line names the directory's
     * {@code server.properties}: a pid from an old file may since belong to anything else).
     */
    public static void stopOrphan(Path kafkaDir) {
        Path dir = kafkaDir.toAbsolutePath().normalize();
        String config = dir.resolve("server.properties").toString();
        Processes.readPid(dir.resolve("kafka.pid"))
                .flatMap(Processes::alive)
                .filter(p -> Processes.commandLine(p).contains("kafka.Kafka " + config))
                .ifPresent(orphan -> Processes.stop(orphan, "TERM", Duration.ofSeconds(30), "Kafka broker"));
    }

    private String lastLogLine() {
        return lastLogLine(dir);
    }

    private static String lastLogLine(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            // The first error says why; the last lines only describe the shutdown that followed.
            for (String line : lines) {
                if (line.contains(" ERROR ") || line.contains("Exception")) {
                    return line.trim();
                }
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "(no output)";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevServiceException("interrupted while waiting for Kafka", e);
        }
    }

    private static String serverProperties(Path dataDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        // The default 128 MB dedupe buffer does not fit the small heap of a dev broker.
        p.setProperty("log.cleaner.dedupe.buffer.size", "16777216");
        StringBuilder out = new StringBuilder("# written by flux on every start\n");
        p.stringPropertyNames().stream().sorted()
                .forEach(k -> out.append(k).append('=').append(p.getProperty(k)).append('\n'));
        return out.toString();
    }

    private static final String LOG_CONFIG = """
            status = warn
            appender.console.type = Console
            appender.console.name = console
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = info
            rootLogger.appenderRef.console.ref = console
            logger.kafka.name = kafka
            logger.kafka.level = info
            logger.apache.name = org.apache.kafka
            logger.apache.level = warn
            """;
}

package flux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.bench.crash.FluxServeProcess;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code flux serve} processes started onto a backlog, against the bench's PostgreSQL and Kafka:
 * the set-up start, an AOT cache's training run, and the timed runs. Caught up is when Kafka holds
 * every backlog event (the table topic's end offset, read by the bench, so the process under
 * test spends nothing on being measured); the capture status the process reports afterwards gives
 * the cross-check's counts.
 */
final class FreshStart implements AutoCloseable {
    /** Between two reads of the topic's end offset: a small error on drains of seconds, little broker work. */
    private static final long POLL_MILLIS = 10;
    private static final Duration UP = Duration.ofMinutes(3);
    /** A JVM writing an AOT cache at exit runs a second JVM that assembles it: tens of seconds. */
    private static final Duration CACHE_WRITTEN = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One timed run; times in seconds from the process's start. */
    record Run(JvmVariant jvm, int round, long events, double upSeconds, double firstEventSeconds,
               double caughtUpSeconds, double cpuSeconds, double jitCpuSeconds, List<Long> perSecond,
               CrossCheck crossCheck, String machineBusy, String load, List<StartPhase> startPhases) {
        double eventsPerSecond() {
            return events / caughtUpSeconds;
        }

        double eventsPerSecondFromFirstEvent() {
            return events / (caughtUpSeconds - firstEventSeconds);
        }

        boolean nothingLost() {
            return crossCheck.missing() == 0 && crossCheck.mismatched() == 0 && crossCheck.published() >= events;
        }
    }

    /** The capture status's counts once caught up (this process's, since its start). */
    record CrossCheck(long published, long matched, long untracked, long missing, long mismatched) {
    }

    /** A phase of the process's start as its capture status reports it ({@code start_phases}), ms since its JVM started. */
    record StartPhase(String phase, long fromMs, long toMs) {
    }

    /** What the process's status said once caught up. */
    private record Status(CrossCheck crossCheck, List<StartPhase> startPhases) {
    }

    /** An AOT cache made by a training run. */
    record Training(Path cache, double drainSeconds, double exitSeconds, double megabytes) {
    }

    private final Path jar;
    private final Path dir;
    private final Map<String, String> environment = new HashMap<>();
    /** The collector the launcher ({@code ./flux}) and the image give the JVM unless told otherwise. */
    static final String LAUNCHER_COLLECTOR = "-XX:+UseParallelGC";
    private final List<String> javaOptions;
    private final int timeoutSeconds;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param engineEnvironment the capture knobs given to the bench, as environment variables
     * @param javaOptions       JVM options of every process (training runs included)
     */
    FreshStart(Path jar, Path dir, LocalPostgres pg, LocalKafka kafka, Map<String, String> engineEnvironment,
               List<String> javaOptions, int timeoutSeconds) {
        this.jar = jar;
        this.dir = dir;
        this.javaOptions = List.copyOf(javaOptions);
        this.timeoutSeconds = timeoutSeconds;
        // A password, though the embedded server trusts: capture's offset store refuses an empty one.
        environment.put("DATABASE_URL", "postgresql://" + LocalPostgres.USER + ":postgres@127.0.0.1:" + pg.port() + "/"
                + LocalPostgres.DATABASE);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.putAll(engineEnvironment);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** The tables' topics exist before the timed starts, as they do after a deploy. */
    void createTopics(String... tables) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String table : tables) {
            topics.add(new NewTopic(topic(table), 1, (short) 1));
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }

    /** A start that creates Flux's schema, the publication and the slot, then a stop. */
    void setUp(JvmVariant jvm) throws Exception {
        try (FluxServeProcess flux = launch(jvm, List.of(), Ports.findFree())) {
            flux.awaitUp(UP);
        }
    }

    /** Drains {@code rows} of {@code table}'s backlog in a process that writes an AOT cache when it exits. */
    Training train(JvmVariant jvm, Path cache, String table, long rows) throws Exception {
        Files.createDirectories(cache.getParent());
        long before = endOffset(table);
        long start = System.nanoTime();
        FluxServeProcess flux = launch(jvm, JvmVariant.recordCache(cache), Ports.findFree());
        double drained;
        try {
            drained = DrainMeter.follow(() -> published(flux, table, before), rows, start, timeoutSeconds, POLL_MILLIS)
                    .seconds();
        } catch (RuntimeException | InterruptedException e) {
            flux.close();
            throw e;
        }
        long stop = System.nanoTime();
        int exit = flux.stop(CACHE_WRITTEN);
        double exitSeconds = (System.nanoTime() - stop) / 1e9;
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new BenchFailure("the training run (" + jvm.label() + ") exited with " + exit + " without writing "
                    + cache + "; see " + flux.log());
        }
        return new Training(cache, drained, exitSeconds, Files.size(cache) / 1e6);
    }

    /** One timed run: a fresh process onto {@code rows} events of {@code table}'s backlog, stopped once caught up. */
    Run run(JvmVariant jvm, Path cache, String table, long rows, int round) throws Exception {
        long before = endOffset(table);
        String load = MachineMeters.loadAverage();
        long[] machine = MachineMeters.machineTicks();
        List<String> options = cache == null ? List.of() : JvmVariant.useCache(cache);
        int port = Ports.findFree();
        long start = System.nanoTime();
        try (FluxServeProcess flux = launch(jvm, options, port)) {
            long[] up = {-1};
            DrainMeter.Timeline t = DrainMeter.follow(() -> {
                if (up[0] < 0 && isUp(flux)) {
                    up[0] = System.nanoTime();
                }
                return published(flux, table, before);
            }, rows, start, timeoutSeconds, POLL_MILLIS);
            double cpu = ProcessMeters.cpuSeconds(flux.pid());
            double jit = ProcessMeters.jitSeconds(flux.pid());
            String busy = MachineMeters.busySince(machine);
            if (up[0] < 0) { // caught up before the bench read the line: only with tiny backlogs
                flux.awaitUp(UP);
                up[0] = System.nanoTime();
            }
            Status status = status(flux, port, rows);
            return new Run(jvm, round, rows, (up[0] - start) / 1e9, t.secondsToFirstEvent(), t.seconds(), cpu, jit,
                    t.perSecond(), status.crossCheck(), busy, load, status.startPhases());
        }
    }

    private FluxServeProcess launch(JvmVariant jvm, List<String> cacheOptions, int port) throws Exception {
        List<String> options = new ArrayList<>();
        if (javaOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            options.add(LAUNCHER_COLLECTOR); // flux serve as ./flux and the image start it
        }
        options.addAll(javaOptions);
        options.addAll(cacheOptions);
        return FluxServeProcess.launch(jvm.java(), options, jar, dir, environment, "--port", Integer.toString(port));
    }

    /** Events on the table's topic since {@code before}; a failure once the process exited. */
    private long published(FluxServeProcess flux, String table, long before) {
        isUp(flux);
        try {
            return endOffset(table) - before;
        } catch (Exception e) {
            throw new BenchFailure("cannot read the end offset of " + topic(table) + ": " + e.getMessage(), e);
        }
    }

    private static boolean isUp(FluxServeProcess flux) {
        try {
            return flux.isUp();
        } catch (Exception e) {
            throw new BenchFailure(e.getMessage(), e);
        }
    }

    private long endOffset(String table) throws Exception {
        TopicPartition partition = new TopicPartition(topic(table), 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                .get(partition).offset();
    }

    /** The process's capture status once its figures count the backlog (they follow Kafka's acknowledgements). */
    private Status status(FluxServeProcess flux, int port, long rows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode status;
        do {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/capture/status")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new BenchFailure("GET /v1/capture/status answered " + r.statusCode() + ": " + r.body()
                        + "; see " + flux.log());
            }
            status = JSON.readTree(r.body());
            if (status.path("events_published").asLong() >= rows) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        JsonNode c = status.path("cross_check");
        List<StartPhase> phases = new ArrayList<>();
        for (JsonNode p : status.path("start_phases")) {
            phases.add(new StartPhase(p.path("phase").asText(), p.path("from_ms").asLong(), p.path("to_ms").asLong()));
        }
        return new Status(new CrossCheck(status.path("events_published").asLong(), c.path("matched").asLong(),
                c.path("untracked").asLong(), c.path("missing").asLong(), c.path("mismatched").asLong()), phases);
    }

    static String topic(String table) {
        return "flux.public." + table;
    }

    @Override
    public void close() {
        admin.close();
    }
}

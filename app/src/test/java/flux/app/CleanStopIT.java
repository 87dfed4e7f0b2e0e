package flux.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code flux serve} as a user does, the packaged jar in its own process: SIGTERM, and
 * Ctrl-C (SIGINT to the terminal's process group). A clean stop goes in order (HTTP, capture with
 * its final offsets, the rest of the server, Kafka, PostgreSQL), logs no warning, error or stack
 * trace, exits 0 with its Kafka and PostgreSQL gone, and a restart publishes none of the events
 * already on Kafka again. (That last check also holds after {@code kill -9}, tried: offsets are
 * stored as batches are acknowledged, so it guards the stop against losing stored offsets, not a
 * final flush only the stop performs.)
 */
@Timeout(600)
class CleanStopIT {
    private static final Duration START = Duration.ofSeconds(120);
    /** FluxProcess.terminate's deadline too: the stop waits for capture and the children, never for a timeout. */
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 20;

    @TempDir
    Path work;

    private final int http = Ports.findFree();
    private final int pg = Ports.findFree();
    private final int kafka = Ports.findFreePair();

    @AfterEach
    void stopLeftovers() {
        LocalKafka.stopOrphan(work.resolve(".flux/kafka"));
        LocalPostgres.stopOrphan(work.resolve(".flux/pg"));
    }

    private FluxProcess serve() throws Exception {
        Files.createDirectories(work.resolve("schema"));
        Files.writeString(work.resolve("schema/001_items.sql"), "CREATE TABLE items (id int PRIMARY KEY, note text);\n");
        return FluxProcess.start(work, Map.of(), "serve", "--port", Integer.toString(http), "--pg-port",
                Integer.toString(pg), "--kafka-port", Integer.toString(kafka), "--data-dir",
                work.resolve(".flux").toString()).awaitUp(START);
    }

    @Test
    void sigtermStopsInOrderWithoutAWarningAndARestartRepublishesNothing() throws Exception {
        try (FluxProcess first = serve()) {
            writeAndAwaitPublished(1, ROWS, ROWS);
            List<ProcessHandle> children = embeddedServices();
            assertThat(first.terminate()).as("a clean stop is a success").isZero();
            assertCleanOrderedStop(first.stderr());
            assertGone(children);
        }
        try (FluxProcess second = serve()) {
            writeAndAwaitPublished(ROWS + 1, 1, 1); // only the new row: nothing replayed before it
            assertThat(messagesOn("flux.public.items")).isEqualTo(ROWS + 1);
            assertThat(second.terminate()).isZero();
            assertCleanOrderedStop(second.stderr());
        }
    }

    @Test
    void ctrlCStopsInOrderTooAndTheBrokerIsNotSignalledAlongWithTheServer() throws Exception {
        try (FluxProcess flux = serve()) {
            writeAndAwaitPublished(1, 3, 3);
            long group = processGroup(flux.pid());
            // What a terminal does on Ctrl-C: SIGINT to each process of the foreground group.
            List<ProcessHandle> members = ProcessHandle.of(flux.pid()).orElseThrow().descendants()
                    .filter(p -> processGroup(p.pid()) == group).toList();
            long broker = pidIn(work.resolve(".flux/kafka/kafka.pid"));
            assertThat(members).as("the broker stops when the server tells it to, after capture, not on Ctrl-C")
                    .noneMatch(p -> p.pid() == broker);
            List<ProcessHandle> children = embeddedServices();
            assertThat(ignoresInterrupts(flux.pid())).as("the server was started with SIGINT ignored, inherited from a"
                    + " suite run as a background job of a non-interactive shell (nohup ... &): no JVM can catch Ctrl-C"
                    + " then; run the suite in the foreground or under job control (set -m)").isFalse();
            signal("INT", flux.pid());
            for (ProcessHandle p : members) {
                signal("INT", p.pid());
            }
            assertThat(flux.awaitExit(STOP)).isZero();
            assertCleanOrderedStop(flux.stderr());
            assertGone(children);
        }
    }

    /** Inserts {@code count} rows from id {@code first} and waits until capture has published {@code published} events. */
    private void writeAndAwaitPublished(int first, int count, long published) throws Exception {
        // On the first start the slot is created as capture starts: a write before it is never captured.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(captureStatus().path("state").asText()).isEqualTo("STREAMING"));
        for (int id = first; id < first + count; id++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/query"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"table\":\"items\",\"operation\":\"insert\","
                            + "\"data\":{\"id\":" + id + ",\"note\":\"n\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(captureStatus().path("events_published").asLong()).isGreaterThanOrEqualTo(published));
        assertThat(captureStatus().path("events_published").asLong()).isEqualTo(published);
    }

    /** The embedded broker and postmaster, found through the pid files the running server keeps. */
    private List<ProcessHandle> embeddedServices() throws Exception {
        return Stream.of(".flux/kafka/kafka.pid", ".flux/pg/postmaster.pid")
                .map(file -> pidIn(work.resolve(file)))
                .map(pid -> ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("pid " + pid + " is not running")))
                .toList();
    }

    /**
     * Kafka and PostgreSQL ended with the server, none left running for the next start to find.
     * Within a few seconds: pg_ctl reports the stop once postmaster.pid is gone, a moment before the
     * postmaster process itself has exited.
     */
    private static void assertGone(List<ProcessHandle> services) {
        for (ProcessHandle service : services) {
            assertThatCode(() -> service.onExit().get(10, TimeUnit.SECONDS))
                    .as("pid %d still running after the server stopped", service.pid()).doesNotThrowAnyException();
        }
    }

    private static long pidIn(Path file) {
        try {
            return Long.parseLong(Files.readAllLines(file).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode captureStatus() throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/capture/status"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Messages ever written to the topic: the sum of its partitions' end offsets (nothing is deleted here). */
    private long messagesOn(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /**
     * The stop's log: each part in order, and nothing a user would read as trouble, from the signal
     * on (before it, a slow query on a busy machine is a fair warning); no stack trace anywhere.
     */
    private static void assertCleanOrderedStop(String stderr) {
        assertThat(stderr).contains("stopping flux").doesNotContain("\tat ");
        String stop = stderr.substring(stderr.indexOf("stopping flux"));
        assertThat(stop).containsSubsequence("stopping flux", "HTTP stopped", "capture flux: STOPPING -> STOPPED",
                "embedded Kafka stopped", "embedded PostgreSQL stopped", "flux stopped");
        assertThat(stop.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList()).isEmpty();
        assertThat(stop).doesNotContain("Exception");
    }

    private static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // pid (comm) state ppid pgrp ...: the command may hold spaces, so count from its closing ')'
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Whether SIGINT is ignored in the process (its SigIgn mask in /proc): a JVM then installs no handler for it. */
    private static boolean ignoresInterrupts(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor()).isZero();
    }
}

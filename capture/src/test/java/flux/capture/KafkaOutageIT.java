package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.LocalKafka;
import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka goes away during writes and comes back: capture waits, the slot holds the WAL, nothing is lost. */
@ExtendWith(FluxTestInfra.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES) // its own waits add up to more than the default 5 minutes
class KafkaOutageIT {
    private static final Logger log = LoggerFactory.getLogger(KafkaOutageIT.class);
    private final TestPostgres db;

    KafkaOutageIT(TestPostgres pg) throws SQLException {
        this.db = pg.newDatabase("capture_kafka_outage");
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void changesWrittenWhileKafkaIsDownArriveWhenItReturns() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "outage-kafka");
        int port = Ports.findFree();
        int controllerPort = Ports.findFree();
        String slot = unique("outage");
        String table = unique("accounts");
        int before = 3_000;
        int whileDown = 1_000;
        int total = before + whileDown;
        List<LocalKafka> brokers = new ArrayList<>(); // every broker started, stopped on every path
        CapturePipeline pipeline = null;
        try (EngineWrites writes = EngineWrites.on(db)) {
            writes.createTable(table);
            LocalKafka kafka = LocalKafka.start(dir, port, controllerPort);
            brokers.add(kafka);
            pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
            CaptureStatus figures = pipeline.figures();
            try (LoadWriter writer = new LoadWriter(writes, table, before, 10).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> figures.eventsPublished() >= 300);
                kafka.close();
                assertThat(kafka.isAlive()).as("the broker stopped").isFalse();
                log.info("Kafka stopped at {} committed rows, {} published", writer.committed(), figures.eventsPublished());
                writer.await();
            }
            // Capture may have published every row of the first writer before Kafka stopped:
            // these are written while it is down, whatever the race.
            try (LoadWriter down = new LoadWriter(writes, table, before + 1, whileDown, 10).start()) {
                down.await();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> figures.state() == CaptureState.WAITING_FOR_KAFKA);
            assertThat(figures.eventsPublished()).as("published while Kafka is down").isLessThan(total);
            assertThat(pipeline.status().slotLagBytes()).as("the slot keeps the WAL").isPositive();

            LocalKafka back = LocalKafka.start(dir, port, controllerPort);
            brokers.add(back);
            log.info("Kafka restarted");
            try (TopicReader reader = new TopicReader(back.bootstrapServers(), "flux.public." + table)) {
                Set<Long> seen = new HashSet<>();
                await("every row written around the outage arrives").atMost(Duration.ofSeconds(120)).until(() -> {
                    reader.poll().forEach(m -> seen.add(m.key().get("id").asLong()));
                    reader.messages().clear();
                    return seen.size() >= total;
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> figures.state() == CaptureState.STREAMING);
            assertThat(figures.eventsPublished()).isGreaterThanOrEqualTo(total);
            assertThat(pipeline.status().kafkaRetries()).isPositive();
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            brokers.forEach(LocalKafka::close);
            CaptureFixtures.dropSlot(db, slot);
        }
    }
}

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
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka goes away during writes and comes back: capture waits, the slot holds the WAL, nothing is lost. */
@ExtendWith(FluxTestInfra.class)
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
        LocalKafka kafka = LocalKafka.start(dir, port, controllerPort);
        String slot = unique("outage");
        String table = unique("accounts");
        ApiWrites.createTable(db, table);
        int before = 3_000;
        int whileDown = 1_000;
        int total = before + whileDown;
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
        try (LoadWriter writer = new LoadWriter(db, table, before, 10).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.status().eventsPublished() >= 300);
            kafka.close();
            log.info("Kafka stopped at {} committed rows, {} published", writer.committed(),
                    pipeline.status().eventsPublished());
            writer.await();
            // Capture may have published every row of the first writer before Kafka stopped:
            // these are written while it is down, whatever the race.
            try (LoadWriter down = new LoadWriter(db::connect, table, before + 1, whileDown, 10).start()) {
                down.await();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> pipeline.state() == CaptureState.WAITING_FOR_KAFKA);
            long publishedWhileDown = pipeline.status().eventsPublished();
            assertThat(publishedWhileDown).isLessThan(total);
            assertThat(pipeline.status().slotLagBytes()).isPositive();

            kafka = LocalKafka.start(dir, port, controllerPort);
            log.info("Kafka restarted");
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
                Set<Long> seen = new HashSet<>();
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    reader.poll().forEach(m -> seen.add(m.key().get("id").asLong()));
                    reader.messages().clear();
                    return seen.size() >= total;
                });
                assertThat(seen).hasSize(total);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.state() == CaptureState.STREAMING);
            assertThat(pipeline.status().kafkaRetries()).isPositive();
        } finally {
            pipeline.close();
            kafka.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }
}

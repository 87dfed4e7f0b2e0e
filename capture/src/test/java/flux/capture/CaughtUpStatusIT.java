package flux.capture;

import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Once capture has caught up with a backlog, its figures (and the offsets marked with them) are
 * current without waiting for the next change or heartbeat: Debezium calls the handler only
 * when changes arrive, so nothing may be left awaiting Kafka's acknowledgement after the last
 * batch. A long poll interval makes the backlog arrive as one large batch that is not full, the
 * case that once stayed unmarked until the next heartbeat.
 */
@ExtendWith(FluxTestInfra.class)
class CaughtUpStatusIT {
    private static final int ROWS = 1_000;
    private final TestPostgres db;
    private final TestKafka kafka;

    CaughtUpStatusIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_caught_up");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void afterDrainingABacklogEveryEventIsCountedWithoutAHeartbeat() throws Exception {
        String slot = unique("caught_up");
        String table = unique("backlog");
        // No heartbeat within the test's patience: only the handler can bring the figures up to date.
        CaptureConfig config = new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(),
                slot, slot, kafka.bootstrapServers(), Duration.ofMinutes(10)).withPollInterval(Duration.ofSeconds(2));
        try (EngineWrites writes = EngineWrites.on(db)) {
            writes.createTable(table);
            CaptureFixtures.startStreaming(config).close(); // slot and publication exist; the backlog is kept
            try (LoadWriter writer = new LoadWriter(writes, table, ROWS, 100).start()) {
                writer.await();
            }
            try (CapturePipeline pipeline = CaptureFixtures.startStreaming(config)) {
                await("every backlog row counted as published").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> pipeline.status().eventsPublished() >= ROWS);
                assertThat(pipeline.status().eventsPublished()).isEqualTo(ROWS);
                assertThat(pipeline.status().transactions()).isGreaterThanOrEqualTo(ROWS / 100);
            }
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }
}

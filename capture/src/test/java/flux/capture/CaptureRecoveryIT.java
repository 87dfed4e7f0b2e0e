package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At-least-once across failures of capture itself, and one streamer per slot. */
@ExtendWith(FluxTestInfra.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES) // its own waits add up to more than the default 5 minutes
class CaptureRecoveryIT {
    private static final Logger log = LoggerFactory.getLogger(CaptureRecoveryIT.class);
    private final TestPostgres db;
    private final TestKafka kafka;

    CaptureRecoveryIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_recovery");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void everyCommittedChangeReachesKafkaAfterCaptureIsKilledAndRestartedDuringTwentyThousandWrites() throws Exception {
        String slot = unique("crash");
        String table = unique("load");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        int total = 20_000;
        CapturePipeline second = null;
        try (EngineWrites writes = EngineWrites.on(db)) {
            writes.createTable(table);
            CapturePipeline first = CaptureFixtures.startStreaming(config);
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table);
                 LoadWriter writer = new LoadWriter(writes, table, total, 20).start()) {
                // 1: cut every database session of capture (walsender, lock, offsets) mid-stream;
                // the pipeline notices, recovers by itself and streams on
                await().atMost(Duration.ofSeconds(120)).until(() -> writer.committed() >= 5_000);
                assertThat(terminateCaptureSessions(slot)).as("capture sessions ended").isPositive();
                await("the pipeline notices").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> first.state() == CaptureState.RECOVERING);
                await("the pipeline recovers").atMost(Duration.ofSeconds(120))
                        .until(() -> first.state() == CaptureState.STREAMING);

                // 2: as if the capture process died: its sessions end at once and it never comes
                // back (closed while recovering: no last offset flush); another takes the slot
                await().atMost(Duration.ofSeconds(120)).until(() -> writer.committed() >= 12_000);
                assertThat(terminateCaptureSessions(slot)).as("capture sessions ended").isPositive();
                await("the pipeline is down").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> first.state() == CaptureState.RECOVERING);
                first.close();
                second = CaptureFixtures.startStreaming(config);
                writer.await();

                Map<Long, Integer> seen = new HashMap<>();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ZERO).until(() -> {
                    for (TopicReader.Message m : reader.poll()) {
                        seen.merge(m.key().get("id").asLong(), 1, Integer::sum);
                    }
                    reader.messages().clear();
                    return seen.size() >= total;
                });
                assertThat(seen.keySet()).hasSize(total).allMatch(id -> id >= 1 && id <= total);
                log.info("crash test: {} rows committed, all published; duplicates {}", total,
                        seen.values().stream().mapToLong(n -> n - 1).sum());
            } finally {
                first.close();
            }
        } finally {
            if (second != null) {
                second.close();
            }
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    @Test
    void standbyTakesOverWhenTheStreamerStops() throws Exception {
        String slot = unique("leader");
        String table = unique("accounts");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        EngineWrites w = EngineWrites.on(db);
        w.createTable(table);
        CapturePipeline leader = CaptureFixtures.startStreaming(config);
        CapturePipeline standby = new CapturePipeline(config);
        try (w; TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
            standby.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.state() == CaptureState.STANDBY);
            w.insert("req-1", table, 1, "a", "1");
            await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll().size() == 1);
            assertThat(standby.state()).isEqualTo(CaptureState.STANDBY);

            leader.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> standby.state() == CaptureState.STREAMING);
            w.insert("req-2", table, 2, "b", "2");
            await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll().stream()
                    .anyMatch(m -> m.value().get("request_id").asText().equals("req-2")));
            await().atMost(Duration.ofSeconds(10)).until(() -> standby.status().eventsPublished() >= 1);
        } finally {
            leader.close();
            standby.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /** Like a crash of the capture process, as PostgreSQL sees it: all its sessions end at once. */
    private int terminateCaptureSessions(String slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND (application_name LIKE 'flux-capture-%'
                        OR pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?))""")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture stopped before it stored its first offset resumes where its slot was created: a raw SQL
 * change made while it was down is placed before an API write of the same row that committed after
 * it, as a running capture would have placed it (not after the highest record id at the restart).
 * And a backlog left while it was stopped reaches Kafka whole and in order at its next start.
 */
@ExtendWith(FluxTestInfra.class)
class ResumeBeforeFirstOffsetIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestPostgres db;
    private final TestKafka kafka;

    ResumeBeforeFirstOffsetIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_resume_first");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void aRawChangeMadeBeforeTheFirstOffsetWasStoredIsPlacedWhereItCommitted() throws Exception {
        String slot = unique("first_offset");
        String table = unique("accounts");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        try (EngineWrites w = EngineWrites.on(db)) {
            w.createTable(table);
            w.insert("req-1", table, 1, "ada", "1.00");
            CaptureFixtures.startStreaming(config).close(); // the slot is made; nothing streamed, no offset
            assertThat(CaptureFixtures.exists(db, "SELECT 1 FROM flux.capture_offsets WHERE slot_name = ?", slot))
                    .as("no offset stored").isFalse();

            CaptureFixtures.execute(db, "UPDATE public." + table + " SET balance = 2 WHERE id = 1");
            w.update("req-2", table, 1, "3.00");
            try (CapturePipeline restarted = CaptureFixtures.startStreaming(config)) {
                await().atMost(WAIT).until(() -> records(table).size() == 3);
            }
            List<long[]> records = records(table); // id, place, in id order: req-1, req-2, the raw change
            assertThat(records.get(2)[1]).as("the raw change's place: after req-1, before req-2")
                    .isGreaterThanOrEqualTo(records.get(0)[0]).isLessThan(records.get(1)[0]);
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /**
     * The start makes the topics beside the engine's start (docs/capture.md, "Start-up"): a backlog left
     * while capture was stopped, in a table whose topic does not exist yet, still reaches Kafka whole and
     * in commit order, the first send making the topic if the start has not yet; and the status says
     * where the start went.
     */
    @Test
    void aBacklogLeftWhileStoppedReachesATopicMadeBesideTheStartWholeAndInCommitOrder() throws Exception {
        String slot = unique("backlog_start");
        String table = unique("backlog");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        try (EngineWrites w = EngineWrites.on(db)) {
            CaptureFixtures.startStreaming(config).close(); // the slot and the publication exist
            // While capture is stopped, so no topic for it yet. Kept out of the schema journal (as capture's own
            // DDL is): its create_table would reach the topic flux.schema_changes, which other tests read whole.
            CaptureFixtures.execute(db, "BEGIN; SET LOCAL flux.capture_ddl = 'on'; CREATE TABLE public." + table
                    + " (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL); COMMIT");
            w.createTable(table); // there already: the engine sees it
            CaptureFixtures.execute(db, "SELECT flux.capture_join('" + slot + "', 'public." + table + "'::regclass, false)");
            int transactions = 20;
            int rowsEach = 25;
            for (int t = 0; t < transactions; t++) {
                w.insertAll("req-" + t, table, t * rowsEach + 1, (t + 1) * rowsEach);
            }
            CaptureFixtures.execute(db, "UPDATE public." + table + " SET balance = 2 WHERE id = 1"); // raw SQL, last
            int events = transactions * rowsEach + 1;
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table);
                 CapturePipeline restarted = CaptureFixtures.startStreaming(config)) {
                await().atMost(WAIT).until(() -> reader.poll().size() >= events);
                List<TopicReader.Message> messages = reader.messages();
                assertThat(messages).hasSize(events);
                assertThat(messages.subList(0, events - 1)).extracting(m -> m.key().get("id").asLong())
                        .as("every row once, in commit order").isSorted().doesNotHaveDuplicates();
                assertThat(messages.get(events - 1).value().get("source").asText()).isEqualTo("wal");
                await().atMost(WAIT).untilAsserted(() -> assertThat(restarted.status().crossCheck().matched())
                        .isEqualTo(events - 1));
                assertThat(restarted.status().crossCheck().missing()).isZero();
                assertThat(restarted.status().startPhases()).extracting(StartTimeline.Phase::name)
                        .startsWith("prerequisites", "capture schema", "publication", "slot", "resume position",
                                "engine built")
                        .contains("Debezium's task started", "first batch", StartTimeline.FIRST_EVENT);
            }
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    private List<long[]> records(String table) throws SQLException {
        List<long[]> records = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("SELECT id,"
                + " coalesce(placed_after, id) FROM flux.state_mutations WHERE table_name = ? AND row_id = '1'"
                + " AND source IN ('api', 'wal') ORDER BY id")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        return records;
    }
}

package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.ConstraintViolation;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class CapturePipelineIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestPostgres db;
    private final TestKafka kafka;
    private String slot;
    private String table;
    private CapturePipeline pipeline;
    private EngineWrites writes;

    CapturePipelineIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_pipeline");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @BeforeEach
    void startCapture() throws SQLException {
        slot = unique("pipe");
        table = unique("accounts");
        writes = EngineWrites.on(db);
        writes.createTable(table);
        pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
    }

    @AfterEach
    void stopCapture() {
        try {
            pipeline.close();
            writes.close();
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    @Test
    void apiWritesArriveOnTheTableTopicWithRequestIdImagesAndOrderPerKey() throws Exception {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic())) {
            writes.insert("req-1", table, 1, "ada", "10.50");
            writes.update("req-2", table, 1, "20.00");
            writes.insert("req-3", table, 2, "bob", "5");
            writes.delete("req-4", table, 1);

            await().atMost(WAIT).until(() -> reader.poll().size() >= 4);
            List<TopicReader.Message> forRow1 = reader.messages().stream()
                    .filter(m -> m.key().get("id").asLong() == 1).collect(Collectors.toList());
            assertThat(forRow1).extracting(m -> m.value().get("op").asText()).containsExactly("INSERT", "UPDATE", "DELETE");
            assertThat(forRow1).extracting(m -> m.value().get("request_id").asText()).containsExactly("req-1", "req-2", "req-4");
            assertThat(forRow1).extracting(TopicReader.Message::requestIdHeader).containsExactly("req-1", "req-2", "req-4");
            assertThat(forRow1).allSatisfy(m -> assertThat(m.value().get("source").asText()).isEqualTo("api"));

            JsonNode update = forRow1.get(1).value();
            assertThat(update.get("schema").asText()).isEqualTo("public");
            assertThat(update.get("table").asText()).isEqualTo(table);
            assertThat(update.get("row_id").asText()).isEqualTo("1");
            assertThat(update.get("before").get("balance").decimalValue()).isEqualByComparingTo("10.50");
            assertThat(update.get("after").get("balance").decimalValue()).isEqualByComparingTo("20.00");
            assertThat(update.get("after").get("owner").asText()).isEqualTo("ada");
            assertThat(update.get("txid").asLong()).isPositive();
            assertThat(update.get("lsn").asLong()).isPositive();
            assertThat(update.get("ts_ms").asLong()).isPositive();
            assertThat(forRow1.get(2).value().get("after").isNull()).isTrue();
            assertThat(forRow1.get(2).value().get("before").get("id").asLong()).isEqualTo(1);

            // The figures count a batch once Kafka acknowledged it, which may be just after a
            // consumer read its messages; images are compared later still, on their own thread.
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(pipeline.figures().imagesCompared.get()).isEqualTo(4);
                CaptureStatus.Snapshot status = pipeline.status();
                assertThat(status.crossCheck().matched()).isEqualTo(4);
                assertThat(status.crossCheck().untracked()).isZero();
                assertThat(status.crossCheck().missing()).isZero();
                assertThat(status.crossCheck().mismatched()).isZero();
                assertThat(status.eventsPublished()).isEqualTo(4);
            });
        }
    }

    @Test
    void rawSqlUpdateIsPublishedWithSourceWalAndRecordedInTheMutationLogOnce() throws Exception {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic())) {
            writes.insert("req-1", table, 7, "cy", "1.00");
            long rawTxid;
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement st = c.prepareStatement("UPDATE public." + table + " SET balance = 2.25 WHERE id = 7")) {
                    st.executeUpdate();
                }
                rawTxid = xid8(c);
                c.commit();
            }

            await().atMost(WAIT).until(() -> reader.poll().size() >= 2);
            JsonNode raw = reader.messages().get(1).value();
            assertThat(raw.get("source").asText()).isEqualTo("wal");
            assertThat(raw.get("request_id").asText()).isEqualTo("wal:" + rawTxid);
            assertThat(raw.get("txid").asLong()).isEqualTo(rawTxid);
            assertThat(raw.get("before").get("balance").decimalValue()).isEqualByComparingTo("1.00");
            assertThat(raw.get("after").get("balance").decimalValue()).isEqualByComparingTo("2.25");

            await().atMost(WAIT).until(() -> walRecords().size() == 1);
            WalRecordRow record = walRecords().get(0);
            assertThat(record.requestId()).isEqualTo("wal:" + rawTxid);
            assertThat(record.txid()).isEqualTo(rawTxid);
            assertThat(record.operation()).isEqualTo("UPDATE");
            assertThat(record.rowId()).isEqualTo("7");
            assertThat(record.changedColumns()).isEqualTo("{balance}");
            assertThat(record.newImage()).contains("\"balance\": 2.25");

            // Capture's own record comes back through the WAL: it must be neither paired nor
            // republished. It committed before req-2 began, so once req-2 is paired and published
            // capture has handled it (one partition: anything published for it precedes req-2).
            writes.insert("req-2", table, 8, "di", "3");
            await().atMost(WAIT).until(() -> pipeline.status().crossCheck().matched() == 2
                    && pipeline.status().eventsPublished() >= 3
                    && reader.poll().stream().anyMatch(m -> m.value().get("request_id").asText().equals("req-2")));
            assertThat(reader.messages()).extracting(m -> m.value().get("request_id").asText())
                    .containsExactly("req-1", "wal:" + rawTxid, "req-2");
            assertThat(walRecords()).hasSize(1);
            assertThat(pipeline.status().crossCheck().untracked()).isEqualTo(1);
            assertThat(pipeline.status().crossCheck().missing()).isZero();
            assertThat(pipeline.status().eventsPublished()).as("nothing published for capture's own record").isEqualTo(3);
        }
    }

    @Test
    void rolledBackAttemptIsPublishedToTheRolledBackTopic() throws Exception {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.rolled_back")) {
            writes.insert("req-ok", table, 3, "ed", "1");
            assertThatThrownBy(() -> writes.insert("req-failed", table, 3, "dup", "0"))
                    .isInstanceOf(ConstraintViolation.class);
            String recordedTxid = attemptTxid("req-failed");

            await().atMost(WAIT).until(() -> reader.poll().stream()
                    .anyMatch(m -> m.value().get("request_id").asText().equals("req-failed")));
            JsonNode attempt = reader.messages().stream()
                    .filter(m -> m.value().get("request_id").asText().equals("req-failed")).findFirst().orElseThrow().value();
            assertThat(attempt.get("status").asText()).isEqualTo("rolled_back");
            assertThat(attempt.get("table").asText()).isEqualTo(table);
            assertThat(attempt.get("row_id").asText()).isEqualTo("3");
            // The txid the engine recorded for the attempt: none when the failing statement was the
            // transaction's first (the engine learns it from a write's result), as here.
            assertThat(attempt.get("txid").isNull() ? null : attempt.get("txid").asText()).isEqualTo(recordedTxid);
            assertThat(attempt.get("error").asText()).startsWith("23505: ");
            assertThat(attempt.get("after").get("owner").asText()).isEqualTo("dup");
            assertThat(pipeline.status().crossCheck().missing()).isZero();
        }
    }

    @Test
    void recordWithoutWalChangeIsCountedAsMissing() throws Exception {
        // a record forged by hand, claiming an insert that never happened in its transaction
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, new)"
                        + " VALUES ('req-ghost', pg_current_xact_id(), 'public', ?, '99', 'INSERT', '{\"id\": 99}')")) {
            st.setString(1, table);
            st.executeUpdate();
        }
        await().atMost(WAIT).until(() -> pipeline.status().crossCheck().missing() == 1);
        assertThat(pipeline.status().crossCheck().matched()).isZero();
    }

    @Test
    void recordWhoseImageDiffersFromTheWalIsCountedAsMismatched() throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO public." + table
                    + " (id, owner, balance) VALUES (5, 'fay', 1)")) {
                st.executeUpdate();
            }
            // the record claims another owner than the row got
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, new)"
                            + " VALUES ('req-odd', pg_current_xact_id(), 'public', ?, '5', 'INSERT',"
                            + " '{\"id\": 5, \"owner\": \"gus\", \"balance\": 1}')")) {
                st.setString(1, table);
                st.executeUpdate();
            }
            c.commit();
        }
        await().atMost(WAIT).until(() -> pipeline.status().crossCheck().mismatched() == 1);
        assertThat(pipeline.status().crossCheck().matched()).isEqualTo(1);
        assertThat(pipeline.status().crossCheck().untracked()).isZero();
    }

    @Test
    void tableCreatedLaterJoinsThePublicationOnSchemaChangeNotification() throws Exception {
        String late = unique("late");
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + late)) {
            writes.createTable(late);
            CaptureFixtures.execute(db, "NOTIFY flux_schema_changed, 'test'");
            await().atMost(WAIT).until(() -> inPublication(late));
            assertThat(replicaIdentity(late)).isEqualTo("f");
            CaptureFixtures.execute(db, "INSERT INTO public." + late + " (id, owner, balance) VALUES (1, 'x', 1)");
            await().atMost(WAIT).until(() -> reader.poll().size() == 1);
            assertThat(reader.messages().get(0).value().get("source").asText()).isEqualTo("wal");
        }
    }

    @Test
    void statusReportsSlotLagAndLastLsn() throws Exception {
        writes.insert("req-1", table, 1, "ada", "1");
        await().atMost(WAIT).until(() -> pipeline.status().lastLsn() != null
                && pipeline.status().slotLagBytes() != null);
        assertThat(pipeline.status().lastLsn()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(pipeline.status().slotLagBytes()).isNotNegative();
    }

    @Test
    void heartbeatsMoveTheSlotWhileTrackedTablesAreIdle() throws Exception {
        String untracked = unique("nokey");
        CaptureFixtures.execute(db, "CREATE TABLE public." + untracked + " (v int)"); // no primary key: not tracked
        CaptureFixtures.execute(db, "INSERT INTO public." + untracked + " SELECT generate_series(1, 20000)");
        long walEnd = walPosition("pg_current_wal_lsn()");
        await().atMost(WAIT).until(() -> walPosition(
                "(SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "')") >= walEnd);
        assertThat(pipeline.status().eventsPublished()).isZero();
    }

    @Test
    void debeziumsLastEventMetricNamesOnlyTheTable() throws Exception {
        writes.insert("req-1", table, 1, "ada", "1");
        await().atMost(WAIT).until(() -> pipeline.status().eventsPublished() == 1);
        // Debezium's own rendering (key, value, position as text) would be here without LastEventSummary.
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName streaming = jmx.queryNames(new ObjectName("debezium.postgres:context=streaming,server=" + slot + ",*"), null)
                .iterator().next();
        assertThat(jmx.getAttribute(streaming, "LastEvent")).isIn("public." + table, "flux.state_mutations");
    }

    private long walPosition(String expression) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT pg_wal_lsn_diff(" + expression + ", '0/0')::bigint"); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String topic() {
        return "flux.public." + table;
    }

    record WalRecordRow(String requestId, long txid, String operation, String rowId, String changedColumns,
                        String newImage) {
    }

    private List<WalRecordRow> walRecords() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT request_id, txid::text, operation, row_id, changed_columns::text, new::text"
                        + " FROM flux.state_mutations WHERE source = 'wal' AND table_name = ? ORDER BY id")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                List<WalRecordRow> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(new WalRecordRow(rs.getString(1), Long.parseLong(rs.getString(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6)));
                }
                return rows;
            }
        }
    }

    private boolean inPublication(String t) throws SQLException {
        return CaptureFixtures.exists(db, "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND tablename = ?",
                slot, t);
    }

    private String replicaIdentity(String t) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT relreplident::text FROM pg_class WHERE relname = ?")) {
            st.setString(1, t);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The transaction id the engine recorded for a request's rolled-back attempt (null: none). */
    private String attemptTxid(String requestId) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT txid::text FROM flux.state_mutations WHERE request_id = ? AND status = 'rolled_back'")) {
            st.setString(1, requestId);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("the engine recorded the attempt of " + requestId).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static long xid8(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_current_xact_id()::text"); ResultSet rs = st.executeQuery()) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }
}

package flux.capture;

import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.pg.CaptureSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tables created and altered outside Flux: changes on both sides of each DDL reach Kafka in the shape
 * they were written, the DDL itself on {@code flux.schema_changes}, and rows written before a table
 * joined the publication come from the log (API writes) or a snapshot of the table (raw writes).
 */
@ExtendWith(FluxTestInfra.class)
class SchemaChangesCaptureIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestPostgres pg;
    private final TestKafka kafka;

    SchemaChangesCaptureIT(TestPostgres pg, TestKafka kafka) {
        this.pg = pg;
        this.kafka = kafka;
    }

    /**
     * As a login role that is not a superuser there is no event trigger: a table created in psql joins
     * only when a schema change is announced (here by hand, as the server's detector would a moment
     * later). What was written before is not lost: the API write from the log, the raw one from the
     * snapshot of the table taken when it joined.
     */
    @Test
    void rowsWrittenBeforeANewTableJoinedArePublishedFromTheLogAndTheSnapshot() throws Exception {
        TestPostgres owned = pg.newDatabase("schema_gap");
        TestPostgres role = owned.as("gap_capture", "NOSUPERUSER REPLICATION");
        owned.execute("ALTER DATABASE \"" + owned.database() + "\" OWNER TO gap_capture");
        CaptureFixtures.installFluxSchema(role);
        String slot = unique("gap");
        String table = unique("gap_t");
        try (CapturePipeline pipeline = CaptureFixtures.startStreaming(CaptureFixtures.config(role, kafka.bootstrapServers(), slot));
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table);
             EngineWrites api = EngineWrites.on(role)) {
            api.createTable(table);
            api.insert("req-gap", table, 1, "api", "1.00");
            role.execute("INSERT INTO public." + table + " (id, owner, balance) VALUES (2, 'raw', 2.00)");
            role.execute("NOTIFY flux_schema_changed, 'test'");
            await().atMost(WAIT).until(() -> CaptureFixtures.exists(role, "SELECT 1 FROM pg_publication_tables"
                    + " WHERE pubname = ? AND tablename = ?", slot, table));
            role.execute("INSERT INTO public." + table + " (id, owner, balance) VALUES (3, 'after', 3.00)");

            await().atMost(WAIT).until(() -> reader.poll().size() >= 3);
            List<String> seen = reader.messages().stream().map(m -> m.value().get("row_id").asText() + " "
                    + m.value().get("op").asText() + " " + m.value().get("source").asText()).collect(Collectors.toList());
            assertThat(seen).containsExactly("1 INSERT api", "2 READ snapshot", "3 INSERT wal");
            assertThat(reader.messages().get(0).value().get("request_id").asText()).isEqualTo("req-gap");
            assertThat(reader.messages().get(0).key().toString()).isEqualTo("{\"id\":1}");
            assertThat(reader.messages().get(1).value().get("after").get("owner").asText()).isEqualTo("raw");
            await().atMost(WAIT).untilAsserted(() -> {
                CaptureStatus.Snapshot status = pipeline.status();
                assertThat(status.crossCheck().missing()).isZero();
                assertThat(status.crossCheck().backfilled()).isEqualTo(2);
            });
        } finally {
            CaptureFixtures.dropSlot(role, slot);
        }
    }

    /**
     * As a superuser, capture's event trigger journals each DDL inside its transaction: the schema
     * event reaches Kafka before the first row of the new shape, and rows keep the shape they were
     * written in. A dropped table stops being captured without an error.
     */
    @Test
    void eachDdlIsPublishedBeforeTheRowsOfItsShapeAndRowsKeepTheShapeTheyWereWrittenIn() throws Exception {
        TestPostgres db = pg.newDatabase("schema_trigger");
        CaptureFixtures.installFluxSchema(db);
        TestPostgres dev = db.as("trigger_dev", "NOSUPERUSER");
        db.execute("GRANT CREATE ON SCHEMA public TO trigger_dev");
        String slot = unique("ddl");
        try (CapturePipeline pipeline = CaptureFixtures.startStreaming(CaptureFixtures.config(db, kafka.bootstrapServers(), slot));
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public.evo", "flux.schema_changes")) {
            dev.execute("CREATE TABLE evo (id bigserial PRIMARY KEY, a text); INSERT INTO evo (a) VALUES ('one')");
            dev.execute("ALTER TABLE evo ADD COLUMN b int; INSERT INTO evo (a, b) VALUES ('two', 2)");
            dev.execute("ALTER TABLE evo RENAME COLUMN a TO a2; UPDATE evo SET a2 = 'uno' WHERE id = 1");
            dev.execute("ALTER TABLE evo DROP COLUMN b; DELETE FROM evo WHERE id = 2");
            dev.execute("DROP TABLE evo");

            // flux.schema_changes is shared by the tests' databases: only evo's changes are this test's.
            await().atMost(WAIT).until(() -> evo(reader.poll()).size() >= 9);
            // Two topics: a consumer interleaves them as it likes; the WAL position is the order they were written in.
            List<TopicReader.Message> inWalOrder = evo(reader.messages()).stream()
                    .sorted(java.util.Comparator.comparingLong(m -> m.value().get("lsn").asLong())).toList();
            List<String> seen = inWalOrder.stream().map(SchemaChangesCaptureIT::describe).collect(Collectors.toList());
            assertThat(seen).containsExactly(
                    "schema create_table evo",
                    "INSERT {\"id\":1,\"a\":\"one\"}",
                    "schema add_column evo b",
                    "INSERT {\"id\":2,\"a\":\"two\",\"b\":2}",
                    "schema rename_column evo a2",
                    "UPDATE {\"id\":1,\"a2\":\"uno\",\"b\":null}",
                    "schema drop_column evo b",
                    "DELETE null",
                    "schema drop_table evo");
            JsonNode renamed = inWalOrder.get(4).value();
            assertThat(renamed.get("old_column").asText()).isEqualTo("a");
            assertThat(renamed.get("detected_by").asText()).isEqualTo("event_trigger");
            assertThat(renamed.get("role").asText()).isEqualTo("trigger_dev");
            assertThat(renamed.get("columns").toString()).contains("\"a2\"");
            await().atMost(WAIT).untilAsserted(() -> {
                CaptureStatus.Snapshot status = pipeline.status();
                assertThat(status.schemaChangesPublished()).isEqualTo(5);
                assertThat(status.crossCheck().missing()).isZero();
                assertThat(status.state()).isEqualTo(CaptureState.STREAMING);
            });
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /**
     * Capture held behind (stopped) while tables are altered, written with raw SQL and renamed: when it
     * decodes those changes, Debezium looks their table up by the name they carry, finds none (or the
     * table that took the name since, keyed by a column they lack), and delivers them without a key.
     * Capture keys them by the key the journal had for the table then: the log's records and the Kafka
     * messages carry the row's key, an UPDATE of the key included. {@code lagging}'s DDL is journaled by
     * the event trigger, and {@code moved} is renamed by the transaction that wrote it; {@code detected}'s (its key column renamed) only after capture met its changes,
     * as the detector would: until then capture fails the batch (retriably) rather than record an empty
     * row id.
     */
    @Test
    void changesDecodedAfterTheirTableWasRenamedAwayKeepTheirKey() throws Exception {
        TestPostgres db = pg.newDatabase("schema_lag");
        CaptureFixtures.installFluxSchema(db);
        String slot = unique("lag");
        CaptureConfig config = CaptureFixtures.config(db, kafka.bootstrapServers(), slot);
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config);
        TopicReader reader = null;
        try {
            db.execute("CREATE TABLE lagging (id bigint PRIMARY KEY, a text); INSERT INTO lagging VALUES (1, 'one');"
                    + " CREATE TABLE detected (id bigint PRIMARY KEY, a text); CREATE TABLE moved (id bigint PRIMARY KEY)");
            await().atMost(WAIT).until(() -> logged(db, "lagging").size() == 1);
            pipeline.close();
            db.execute("ALTER TABLE lagging ADD COLUMN b int");
            db.execute("INSERT INTO lagging VALUES (2, 'two', 2)");
            db.execute("UPDATE lagging SET a = 'uno', b = 1 WHERE id = 1");
            db.execute("UPDATE lagging SET id = 3 WHERE id = 2");
            db.execute("DELETE FROM lagging WHERE id = 1");
            db.execute("ALTER TABLE lagging RENAME TO lagged");
            db.execute("CREATE TABLE lagging (code text PRIMARY KEY, id bigint, a text, b int)");
            db.execute("INSERT INTO lagging VALUES ('c1', 7, 'new', 0)");
            db.execute("BEGIN; INSERT INTO moved VALUES (9); ALTER TABLE moved RENAME TO moved2; COMMIT");
            db.execute("ALTER EVENT TRIGGER flux_capture_ddl_command_end DISABLE");
            db.execute("ALTER TABLE detected RENAME COLUMN id TO ident");
            db.execute("INSERT INTO detected VALUES (5, 'five')");
            db.execute("ALTER TABLE detected RENAME TO detected2");
            pipeline = CaptureFixtures.startStreaming(config);
            // Both topics exist now (created when the tables joined): the consumer joins (in its polls)
            // while capture works.
            reader = new TopicReader(kafka.bootstrapServers(), "flux.public.lagging", "flux.public.detected",
                    "flux.public.moved");
            TopicReader messages = reader;

            CapturePipeline running = pipeline;
            await().atMost(WAIT).until(() -> messages.poll() != null && String.valueOf(running.status().lastError())
                    .contains("no primary key for the INSERT of public.detected"));
            assertThat(logged(db, "detected")).isEmpty();
            try (Connection c = db.connect()) {
                SchemaJournal.record(c, SchemaChange.Recorder.DETECTOR, null);
            }

            await().atMost(WAIT).until(() -> messages.poll() != null && logged(db, "detected").size() == 1);
            assertThat(logged(db, "detected")).containsExactly("INSERT 5");
            assertThat(logged(db, "lagging")).containsExactly("INSERT 1", "INSERT 2", "UPDATE 1", "UPDATE 3 from 2",
                    "DELETE 1", "INSERT c1");
            assertThat(logged(db, "moved")).containsExactly("INSERT 9");
            await().atMost(WAIT).until(() -> messages.poll().size() >= 8);
            assertThat(keyed(reader.messages(), "lagging")).containsExactly("INSERT {\"id\":1} 1",
                    "INSERT {\"id\":2} 2", "UPDATE {\"id\":1} 1", "UPDATE {\"id\":3} 3 from {\"id\":2}",
                    "DELETE {\"id\":1} 1", "INSERT {\"code\":\"c1\"} c1");
            assertThat(keyed(reader.messages(), "detected")).containsExactly("INSERT {\"ident\":5} 5");
            assertThat(keyed(reader.messages(), "moved")).containsExactly("INSERT {\"id\":9} 9");
            assertThat(pipeline.status().crossCheck().missing()).isZero();
        } finally {
            if (reader != null) {
                reader.close();
            }
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /** A table topic's messages in order: op, key, row id, and the old key of a key change. */
    private static List<String> keyed(List<TopicReader.Message> messages, String table) {
        return messages.stream().filter(m -> m.topic().equals("flux.public." + table))
                .map(m -> m.value().get("op").asText() + " " + m.key() + " " + m.value().get("row_id").asText()
                        + (m.value().has("old_row_id") ? " from " + m.value().get("old_key") : ""))
                .toList();
    }

    /** Capture's records of a table's rows, in log order: operation, row id, and the old one of a key change. */
    private static List<String> logged(TestPostgres db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("SELECT operation, row_id,"
                + " old_row_id FROM flux.state_mutations WHERE table_name = ? ORDER BY id")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2)
                            + (rs.getString(3) == null ? "" : " from " + rs.getString(3)));
                }
            }
        }
        return rows;
    }

    private static List<TopicReader.Message> evo(List<TopicReader.Message> messages) {
        return messages.stream().filter(m -> !m.topic().equals("flux.schema_changes")
                || m.value().get("table").asText().equals("evo")).toList();
    }

    private static String describe(TopicReader.Message m) {
        JsonNode v = m.value();
        if (m.topic().equals("flux.schema_changes")) {
            return "schema " + v.get("change").asText() + " " + v.get("table").asText()
                    + (v.get("column").isNull() ? "" : " " + v.get("column").asText());
        }
        return v.get("op").asText() + " " + v.get("after");
    }
}

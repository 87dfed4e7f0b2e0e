package flux.capture;

import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.pg.CaptureSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
     * Capture held behind (stopped) while a table is altered, written with raw SQL and renamed: when it
     * decodes those changes, Debezium looks their table up by the name they carry, finds none, and
     * delivers them without a key. Capture takes the key columns the journal had for the table then:
     * the log's records and the Kafka messages carry the row's key, an UPDATE of the key included.
     */
    @Test
    void changesDecodedAfterTheirTableWasRenamedAwayKeepTheirKey() throws Exception {
        TestPostgres db = pg.newDatabase("schema_lag");
        CaptureFixtures.installFluxSchema(db);
        String slot = unique("lag");
        CaptureConfig config = CaptureFixtures.config(db, kafka.bootstrapServers(), slot);
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public.lagging")) {
            db.execute("CREATE TABLE lagging (id bigint PRIMARY KEY, a text); INSERT INTO lagging VALUES (1, 'one')");
            await().atMost(WAIT).until(() -> logged(db).size() == 1);
            pipeline.close();
            db.execute("ALTER TABLE lagging ADD COLUMN b int");
            db.execute("INSERT INTO lagging VALUES (2, 'two', 2)");
            db.execute("UPDATE lagging SET a = 'uno', b = 1 WHERE id = 1");
            db.execute("UPDATE lagging SET id = 3 WHERE id = 2");
            db.execute("DELETE FROM lagging WHERE id = 1");
            db.execute("ALTER TABLE lagging RENAME TO lagged");
            db.execute("CREATE TABLE lagging (code text PRIMARY KEY, id bigint, a text, b int)");
            db.execute("INSERT INTO lagging VALUES ('c1', 7, 'new', 0)");
            pipeline = CaptureFixtures.startStreaming(config);

            await().atMost(WAIT).until(() -> logged(db).size() == 6);
            assertThat(logged(db)).containsExactly("INSERT 1", "INSERT 2", "UPDATE 1", "UPDATE 3 from 2", "DELETE 1",
                    "INSERT c1");
            await().atMost(WAIT).until(() -> reader.poll().size() >= 6);
            assertThat(reader.messages().stream().map(m -> m.value().get("op").asText() + " " + m.key()
                    + " " + m.value().get("row_id").asText() + (m.value().has("old_row_id")
                    ? " from " + m.value().get("old_key") : "")))
                    .containsExactly("INSERT {\"id\":1} 1", "INSERT {\"id\":2} 2", "UPDATE {\"id\":1} 1",
                            "UPDATE {\"id\":3} 3 from {\"id\":2}", "DELETE {\"id\":1} 1",
                            "INSERT {\"code\":\"c1\"} c1");
            assertThat(pipeline.status().crossCheck().missing()).isZero();
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /** Capture's records of the table's rows, in log order: operation, row id, and the old one of a key change. */
    private static List<String> logged(TestPostgres db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT operation, row_id, old_row_id FROM flux.state_mutations"
                     + " WHERE table_name = 'lagging' ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2)
                        + (rs.getString(3) == null ? "" : " from " + rs.getString(3)));
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
